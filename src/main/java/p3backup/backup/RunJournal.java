package p3backup.backup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import p3backup.problems.Problems;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.Heartbeat;
import p3backup.snapshot.ManifestException;
import p3backup.snapshot.RunGuard;
import p3backup.snapshot.SnapshotStore;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.ObjectStore;
import p3backup.storage.StorageException;

/**
 * The journal of a backup under way: the files it has uploaded so far, kept in the bucket so that
 * a run that dies (killed, network gone) loses nothing, and the next run uploads only what is
 * still missing. It is rewritten every {@link #EVERY} while files land (its heartbeat; the
 * system property {@code p3backup.journal.millis} changes the period), deleted once the
 * snapshot is saved, and tells two runs on one target apart: a run
 * whose journal is fresh and whose process lives makes a second run refuse to start.
 */
final class RunJournal implements AutoCloseable {
  static final Duration EVERY = RunGuard.HEARTBEAT;
  /** A journal not rewritten for this long belongs to a run that is gone. */
  static final Duration STALE = RunGuard.STALE;

  private final SnapshotStore snapshots;
  private final ObjectStore store;
  private final BackupOptions options;
  private final Clock clock;
  private final Problems problems;
  private final RunGuard guard;
  private final List<RunRef> dead = new ArrayList<>();
  private final List<ManifestEntry> uploaded = new ArrayList<>();
  private String id;
  private int written;
  private Instant lastWrite = Instant.EPOCH;
  private Heartbeat heartbeat;

  RunJournal(SnapshotStore snapshots, ObjectStore store, BackupOptions options, Clock clock,
      Problems problems) {
    this.snapshots = snapshots;
    this.store = store;
    this.options = options;
    this.clock = clock;
    this.problems = problems;
    this.guard = new RunGuard(snapshots, clock);
  }

  /**
   * Looks at the journals found under the target: refuses (a StorageException) when another run
   * or a forget is under way; returns, by path, what the dead runs newer than {@code previous}
   * uploaded.
   */
  Map<String, ManifestEntry> takeOver(SnapshotStore.Listing listing, Manifest previous) {
    for (RunRef forget : listing.forgets()) {
      if (guard.alive(forget)) {
        if (!options.dryRun()) {
          throw guard.busy(forget, "forgetting snapshots of");
        }
        problems.warn("a p3backup forget (" + forget.id() + ") is running on this target");
      }
    }
    Map<String, ManifestEntry> entries = new HashMap<>();
    for (RunRef run : listing.runs()) {
      if (guard.alive(run)) {
        if (options.dryRun()) {
          problems.warn("another p3backup run (" + run.id() + ") is backing up to this target");
          continue;
        }
        throw guard.busy(run, "backing up to");
      }
      dead.add(run);
      if (previous != null && run.id().compareTo(previous.id()) <= 0) {
        continue; // its files went into a later snapshot, or were superseded by one
      }
      try {
        snapshots.loadRun(run).ifPresent(m -> m.entries().forEach(e -> entries.put(e.path(), e)));
      } catch (ManifestException | java.io.UncheckedIOException e) {
        problems.warn(e.getMessage() + "; its files will be uploaded again");
      }
    }
    if (!dead.isEmpty() && !options.dryRun()) {
      problems.warn("taking over from an interrupted backup (" + dead.get(dead.size() - 1).id()
          + "): " + entries.size() + " file(s) it uploaded need no upload");
      abortLeftUploads();
    }
    return entries;
  }

  /** Multipart uploads a dead run left behind are aborted, so that none stays forever. */
  private void abortLeftUploads() {
    Instant last = dead.stream().map(RunRef::lastWritten).filter(Objects::nonNull)
        .max(Comparator.naturalOrder()).orElse(clock.instant());
    Instant cutoff = last.plus(EVERY.multipliedBy(3));
    try {
      for (ObjectStore.PendingUpload u : store.pendingUploads(options.bucket(), options.keyPrefix())) {
        if (u.initiated() == null || !u.initiated().isAfter(cutoff)) {
          store.abortUpload(options.bucket(), u.key(), u.uploadId());
        }
      }
    } catch (StorageException e) {
      if (e.kind() != StorageException.Kind.NOT_IMPLEMENTED) {
        throw e;
      }
      problems.warn("the server cannot list unfinished multipart uploads; the bucket's lifecycle"
          + " rule removes them");
    }
  }

  /**
   * Starts this run's journal before its first upload. If another run or a forget started at the
   * same moment the older one goes on and this one refuses (a forget of the same id goes on).
   */
  void start(String runId) {
    this.id = runId;
    write();
    SnapshotStore.Listing now = snapshots.listAll();
    for (RunRef other : now.runs()) {
      if (!other.id().equals(id) && other.id().compareTo(id) < 0 && !dead.contains(other)
          && guard.alive(other)) {
        store.delete(options.bucket(), List.of(snapshots.runKey(id)));
        throw guard.busy(other, "backing up to");
      }
    }
    for (RunRef forget : now.forgets()) {
      if (forget.id().compareTo(id) <= 0 && guard.alive(forget)) {
        store.delete(options.bucket(), List.of(snapshots.runKey(id)));
        throw guard.busy(forget, "forgetting snapshots of");
      }
    }
    heartbeat = Heartbeat.every(EVERY, this::beat);
  }

  private void beat() {
    synchronized (uploaded) {
      if (uploaded.size() == written && !stale()) {
        return;
      }
    }
    try {
      write();
    } catch (RuntimeException e) {
      problems.warn("could not update the run's journal: " + e.getMessage());
    }
  }

  /** Records a file whose object has landed. */
  void uploaded(ManifestEntry e) {
    synchronized (uploaded) {
      uploaded.add(e);
    }
  }

  /** The journal must be rewritten now and then even when nothing landed: it is the heartbeat. */
  private boolean stale() {
    return clock.instant().isAfter(lastWrite.plus(STALE.dividedBy(4)));
  }

  private void write() {
    lastWrite = clock.instant();
    List<ManifestEntry> copy;
    synchronized (uploaded) {
      copy = new ArrayList<>(uploaded);
      written = copy.size();
    }
    copy.sort(Comparator.comparing(ManifestEntry::path));
    snapshots.saveRun(new Manifest(id, clock.instant(), copy), guard.owner());
  }

  /** After the snapshot is saved: this run's journal and the dead runs' are no longer needed. */
  void finish() {
    stop();
    List<RunRef> done = new ArrayList<>(dead);
    if (id != null) {
      done.add(new RunRef(id, snapshots.runKey(id), null));
    }
    try {
      for (ObjectStore.ObjectProblem p : snapshots.deleteRuns(done)) {
        problems.warn("could not delete the journal " + p.key() + ": " + p.message());
      }
    } catch (StorageException e) {
      problems.warn("could not delete the run's journal: " + e.getMessage());
    }
  }

  private void stop() {
    if (heartbeat != null) {
      heartbeat.close();
      heartbeat = null;
    }
  }

  /** On failure: the journal stays in the bucket for the next run to take over. */
  @Override
  public void close() {
    if (heartbeat != null) {
      stop();
      try {
        write();
      } catch (RuntimeException e) {
        // the last heartbeat's journal stands
      }
    }
  }
}
