package p3backup.backup;

import java.io.IOException;
import p3backup.paths.EntryType;
import p3backup.scan.ChangeDetector;
import p3backup.scan.LocalEntry;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestReader;

/**
 * Walks the scan and the previous manifest in lock-step, both in path order, and yields what to
 * do with each path: a path only in the tree, only in the manifest, or in both. Memory holds
 * one entry of each side.
 */
final class Planner {
  /** What to do with one path; {@code was} is what the previous snapshot recorded, or null. */
  sealed interface Item {
    String path();

    ManifestEntry was();
  }

  /**
   * A file that may have changed: read it, upload it if its content differs from {@code known}
   * (the file last recorded or uploaded at this path, or null).
   */
  record Upload(LocalEntry local, ManifestEntry known, ManifestEntry was) implements Item {
    @Override
    public String path() {
      return local.path();
    }
  }

  /**
   * Recorded as it stands, nothing to transfer: an unchanged file (its previous entry), a
   * directory that needs no new marker, a link.
   */
  record Unchanged(ManifestEntry entry, ManifestEntry was) implements Item {
    @Override
    public String path() {
      return entry.path();
    }
  }

  /** An empty directory that gets its zero-byte marker object, then {@code entry}. */
  record Marker(LocalEntry local, ManifestEntry entry, ManifestEntry was) implements Item {
    @Override
    public String path() {
      return entry.path();
    }
  }

  /** In the previous snapshot, gone from the tree: its object may go with --delete. */
  record Delete(ManifestEntry was) implements Item {
    @Override
    public String path() {
      return was.path();
    }
  }

  private final ScanFeed scan;
  private final ManifestReader previous;
  private final Takeover takenOver;
  private final boolean checksum;
  private final java.util.function.Consumer<String> warn;
  private LocalEntry local;
  private ManifestEntry recorded;
  private boolean started;

  /**
   * @param previous the last snapshot, or null for none
   * @param takenOver what a dead run uploaded: it stands in for the previous entry
   * @param checksum whether every file is read, whatever its stat says
   * @param warn told once when the previous manifest turns out damaged part way: from there on
   *     the files are read as in a first backup
   */
  Planner(ScanFeed scan, ManifestReader previous, Takeover takenOver,
      boolean checksum, java.util.function.Consumer<String> warn) {
    this.warn = warn;
    this.scan = scan;
    this.previous = previous;
    this.takenOver = takenOver;
    this.checksum = checksum;
  }

  /** The next item in path order, or null when both sides are done. */
  Item next() throws IOException, InterruptedException {
    if (!started) {
      started = true;
      local = scan.next();
      recorded = recorded();
    }
    if (local == null && recorded == null) {
      return null;
    }
    int order = local == null ? 1 : recorded == null ? -1 : local.path().compareTo(recorded.path());
    if (order > 0) {
      ManifestEntry gone = recorded;
      recorded = recorded();
      return new Delete(gone);
    }
    LocalEntry here = local;
    ManifestEntry was = null;
    if (order == 0) {
      was = recorded;
      recorded = recorded();
    }
    local = scan.next();
    ManifestEntry journalled = takenOver.at(here.path());
    return plan(here, was, journalled != null ? journalled : was);
  }

  private boolean damaged;

  /** The previous snapshot's next entry; null at its end, or from where it is damaged. */
  private ManifestEntry recorded() {
    if (previous == null || damaged) {
      return null;
    }
    try {
      return previous.next();
    } catch (p3backup.snapshot.ManifestException | IOException | java.io.UncheckedIOException e) {
      damaged = true;
      warn.accept(e.getMessage() + "; hashing the files after that point as if this were the"
          + " first backup");
      return null;
    }
  }

  /** {@code known} is what a rerun compares with: the dead run's upload, or the previous entry. */
  private Item plan(LocalEntry e, ManifestEntry was, ManifestEntry known) {
    return switch (e.type()) {
      case FILE -> known != null && known.type() == EntryType.FILE && !checksum
          && ChangeDetector.unchanged(e.stat(), known.recorded())
          ? new Unchanged(known, was)
          : new Upload(e, known != null && known.type() == EntryType.FILE ? known : null, was);
      case DIR -> {
        ManifestEntry entry = new ManifestEntry(e.path(), EntryType.DIR, 0, e.stat().mtimeNanos(),
            e.stat().mode(), null, null, null, e.emptyDir(), e.stat().ctimeNanos(), e.stat().inode());
        boolean hadMarker = known != null && known.type() == EntryType.DIR && known.marker();
        yield e.emptyDir() && !hadMarker ? new Marker(e, entry, was) : new Unchanged(entry, was);
      }
      case LINK -> new Unchanged(new ManifestEntry(e.path(), EntryType.LINK, 0,
          e.stat().mtimeNanos(), e.stat().mode(), null, null, e.linkTarget(), false,
          e.stat().ctimeNanos(), e.stat().inode()), was);
    };
  }
}
