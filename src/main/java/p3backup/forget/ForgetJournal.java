package p3backup.forget;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import p3backup.paths.EntryType;
import p3backup.problems.Problems;
import p3backup.snapshot.Heartbeat;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.RunGuard;
import p3backup.snapshot.SnapshotStore;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.ObjectStore;
import p3backup.storage.ObjectStore.VersionRef;
import p3backup.storage.StorageException;

/**
 * The journal of a forget under way: every data version it is about to delete, in the bucket
 * before it deletes anything, so that a forget that dies (after removing manifests, halfway
 * through the data) leaves the next forget a list of what is still to free; it never lists
 * anything but versions a manifest named. Rewritten now and then as its heartbeat, so that a
 * backup starting meanwhile refuses ({@link RunGuard}); deleted, every version of it, once all
 * is done.
 */
final class ForgetJournal implements AutoCloseable {
  private final SnapshotStore snapshots;
  private final ObjectStore store;
  private final String bucket;
  private final String keyPrefix;
  private final RunGuard guard;
  private final Clock clock;
  private final Problems problems;
  private Manifest journal;
  private volatile Instant lastWrite = Instant.EPOCH;
  private Heartbeat heartbeat;

  ForgetJournal(SnapshotStore snapshots, ObjectStore store, ForgetOptions options, RunGuard guard,
      Clock clock, Problems problems) {
    this.snapshots = snapshots;
    this.store = store;
    this.bucket = options.bucket();
    this.keyPrefix = options.keyPrefix();
    this.guard = guard;
    this.clock = clock;
    this.problems = problems;
  }

  /**
   * Writes the journal, then looks again for other runs: a backup or forget that started at the
   * same moment with an older id goes on and this forget refuses.
   */
  void start(String id, List<Freeable.Doomed> doomed) {
    List<ManifestEntry> entries = new ArrayList<>();
    for (Freeable.Doomed d : doomed) {
      String rel = d.ref().key().substring(keyPrefix.length());
      boolean dir = rel.endsWith("/");
      entries.add(new ManifestEntry(dir ? rel.substring(0, rel.length() - 1) : rel,
          dir ? EntryType.DIR : EntryType.FILE, d.size(), 0, -1, null, d.ref().versionId(), null,
          dir, 0, null));
    }
    journal = new Manifest(id, clock.instant(), entries);
    write();
    SnapshotStore.Listing now = snapshots.listAll();
    List<RunRef> others = new ArrayList<>();
    for (RunRef run : now.runs()) {
      if (run.id().compareTo(id) < 0) {
        others.add(run);
      }
    }
    for (RunRef f : now.forgets()) {
      if (f.id().compareTo(id) < 0) {
        others.add(f);
      }
    }
    for (RunRef other : others) {
      if (guard.alive(other)) {
        deleteJournals(List.of(id));
        throw guard.busy(other, now.runs().contains(other) ? "backing up to" : "forgetting snapshots of");
      }
    }
    heartbeat = Heartbeat.every(RunGuard.HEARTBEAT, this::beat);
  }

  /**
   * Reads what an interrupted forget was deleting into {@code freeable}, as forgotten names;
   * false when its journal is gone since the listing (that forget finished after all).
   */
  static boolean takeOver(SnapshotStore snapshots, RunRef interrupted, Freeable freeable) {
    Optional<Manifest> journal = snapshots.loadForget(interrupted);
    journal.ifPresent(freeable::forgotten);
    return journal.isPresent();
  }

  private void beat() {
    if (clock.instant().isAfter(lastWrite.plus(RunGuard.STALE.dividedBy(4)))) {
      try {
        write();
      } catch (RuntimeException e) {
        problems.warn("could not update the forget's journal: " + e.getMessage());
      }
    }
  }

  private void write() {
    lastWrite = clock.instant();
    snapshots.saveForget(journal, guard.owner());
  }

  /** All done: this journal and those of the forgets it finished go, every version of them. */
  void finish(List<RunRef> interrupted) {
    close();
    List<String> ids = new ArrayList<>();
    ids.add(journal.id());
    interrupted.forEach(r -> ids.add(r.id()));
    deleteJournals(ids);
  }

  /** Some deletes failed: this journal stays for the next forget; the interrupted ones it covers go. */
  void leave(List<RunRef> interrupted) {
    close();
    deleteJournals(interrupted.stream().map(RunRef::id).toList());
  }

  private void deleteJournals(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    Set<String> keys = new HashSet<>();
    ids.forEach(id -> keys.add(snapshots.forgetKey(id)));
    List<VersionRef> versions = new ArrayList<>();
    try {
      store.listVersions(bucket, snapshots.forgetsPrefix(), v -> {
        if (keys.contains(v.key())) {
          versions.add(v.ref());
        }
      });
      for (int i = 0; i < versions.size(); i += ObjectStore.DELETE_BATCH) {
        for (ObjectStore.VersionProblem p : store.deleteVersions(bucket,
            versions.subList(i, Math.min(versions.size(), i + ObjectStore.DELETE_BATCH)))) {
          problems.warn("could not delete the journal " + p.version().key() + ": " + p.message());
        }
      }
    } catch (StorageException e) {
      problems.warn("could not delete the forget's journal: " + e.getMessage()
          + "; the next forget does");
    }
  }

  /** Stops the heartbeat; the journal stays in the bucket (a forget that failed or died). */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.close();
      heartbeat = null;
    }
  }
}
