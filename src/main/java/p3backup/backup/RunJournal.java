package p3backup.backup;

import java.io.IOException;
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
 * a run that dies (killed, network gone) loses at most about the last second of uploads, and the
 * next run uploads only what is still missing. It goes up in append-only segments ({@link
 * SnapshotStore#runSegmentKey}): every {@link #EVERY} while files land (the system property
 * {@code p3backup.journal.millis} changes the period) one small object with the entries that
 * landed since the segment before, and at least every {@link #STALE}/4 one, empty if need be, as
 * the run's heartbeat. Memory holds only the entries since the last segment. All segments are
 * deleted once the snapshot is saved. The journal also tells two runs on one target apart: a run
 * whose newest segment is fresh and whose process lives makes a second run refuse to start.
 */
final class RunJournal implements AutoCloseable {
  static final Duration EVERY = RunGuard.HEARTBEAT;
  /** A journal not written for this long belongs to a run that is gone. */
  static final Duration STALE = RunGuard.STALE;

  private final SnapshotStore snapshots;
  private final ObjectStore store;
  private final BackupOptions options;
  private final Clock clock;
  private final Problems problems;
  private final RunGuard guard;
  private final List<RunRef> dead = new ArrayList<>();
  /** Guards {@link #pending}: the entries that landed since the last segment. */
  private final Object lock = new Object();
  private List<ManifestEntry> pending = new ArrayList<>();
  /** Guards the segment writes (one at a time) and the fields below. */
  private final Object writing = new Object();
  private String id;
  /** The number of the next segment to write. */
  private long next;
  /** The highest segment number ever sent (it may have landed even when its request failed). */
  private long highest = -1;
  private Instant lastWrite = Instant.EPOCH;
  private boolean failing;
  private Heartbeat heartbeat;
  private final Duration every;

  RunJournal(SnapshotStore snapshots, ObjectStore store, BackupOptions options, Clock clock,
      Problems problems) {
    this(snapshots, store, options, clock, problems, EVERY);
  }

  /** A journal that looks every {@code every} whether a segment is due (tests). */
  RunJournal(SnapshotStore snapshots, ObjectStore store, BackupOptions options, Clock clock,
      Problems problems, Duration every) {
    this.every = every;
    this.snapshots = snapshots;
    this.store = store;
    this.options = options;
    this.clock = clock;
    this.problems = problems;
    this.guard = new RunGuard(snapshots, clock);
  }

  /**
   * Looks at the journals found under the target: refuses (a StorageException) when another run
   * or a forget is under way; returns what the dead runs newer than snapshot {@code previousId}
   * uploaded (every segment of each, as the listing found them), to be read in path order.
   */
  Takeover takeOver(SnapshotStore.Listing listing, String previousId) {
    for (RunRef forget : listing.forgets()) {
      if (guard.alive(forget)) {
        if (!options.dryRun()) {
          throw guard.busy(forget, "forgetting snapshots of");
        }
        problems.warn("a p3backup forget (" + forget.id() + ") is running on this target");
      }
    }
    Takeover entries = new Takeover(null);
    for (RunRef run : listing.runs()) {
      if (guard.alive(run)) {
        if (options.dryRun()) {
          problems.warn("another p3backup run (" + run.id() + ") is backing up to this target");
          continue;
        }
        throw guard.busy(run, "backing up to");
      }
      dead.add(run);
      if (previousId != null && run.id().compareTo(previousId) <= 0) {
        continue; // its files went into a later snapshot, or were superseded by one
      }
      try {
        snapshots.readRun(run, entries::add);
      } catch (ManifestException | java.io.UncheckedIOException e) {
        problems.warn(e.getMessage() + "; its files will be uploaded again");
      } catch (RuntimeException e) {
        entries.close();
        throw e;
      }
    }
    long taken;
    try {
      taken = entries.finish();
    } catch (IOException e) {
      entries.close();
      throw new java.io.UncheckedIOException("cannot read back the interrupted run's journal: "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      entries.close();
      throw e;
    }
    if (!dead.isEmpty() && !options.dryRun()) {
      problems.warn("taking over from an interrupted backup (" + dead.get(dead.size() - 1).id()
          + "): " + taken + " file(s) it uploaded need no upload");
      abortLeftUploads();
    }
    return entries;
  }

  /** Multipart uploads a dead run left behind are aborted, so that none stays forever. */
  private void abortLeftUploads() {
    Instant last = dead.stream().map(RunRef::lastWritten).filter(Objects::nonNull)
        .max(Comparator.naturalOrder()).orElse(clock.instant());
    // It may have started uploads until its next heartbeat was due.
    Instant cutoff = last.plus(STALE.dividedBy(4)).plus(EVERY.multipliedBy(3));
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
   * Starts this run's journal (its first segment, empty) before its first upload. If another
   * run or a forget started at the same moment the older one goes on and this one refuses (a
   * forget of the same id goes on).
   */
  void start(String runId) {
    this.id = runId;
    write();
    SnapshotStore.Listing now = snapshots.listAll();
    for (RunRef other : now.runs()) {
      if (!other.id().equals(id) && other.id().compareTo(id) < 0 && !isDead(other)
          && guard.alive(other)) {
        deleteOwn();
        throw guard.busy(other, "backing up to");
      }
    }
    for (RunRef forget : now.forgets()) {
      if (forget.id().compareTo(id) <= 0 && guard.alive(forget)) {
        deleteOwn();
        throw guard.busy(forget, "forgetting snapshots of");
      }
    }
    heartbeat = Heartbeat.every(every, this::beat);
  }

  private boolean isDead(RunRef run) {
    return dead.stream().anyMatch(d -> d.id().equals(run.id()));
  }

  private void deleteOwn() {
    try {
      snapshots.deleteRuns(List.of(own()));
    } catch (StorageException e) {
      // left to the next run, which finds it dead
    }
  }

  /** This run's journal: every segment it has sent. */
  private RunRef own() {
    synchronized (writing) {
      List<String> keys = new ArrayList<>();
      for (long n = 0; n <= highest; n++) {
        keys.add(snapshots.runSegmentKey(id, n));
      }
      String newest = snapshots.runSegmentKey(id, Math.max(0, highest));
      return new RunRef(id, newest, null, keys);
    }
  }

  /** Writes a segment when files landed since the last one, or when the heartbeat is due. */
  void beat() {
    boolean landed;
    synchronized (lock) {
      landed = !pending.isEmpty();
    }
    if (!landed && !stale()) {
      return;
    }
    try {
      write();
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) {
        problems.warn("could not update the run's journal: " + e.getMessage());
      }
      failing = true;
    }
  }

  /** Records a file whose object has landed (from any thread). */
  void uploaded(ManifestEntry e) {
    synchronized (lock) {
      pending.add(e);
    }
  }

  /** A segment must go up now and then even when nothing landed: it is the heartbeat. */
  private boolean stale() {
    synchronized (writing) {
      return clock.instant().isAfter(lastWrite.plus(STALE.dividedBy(4)));
    }
  }

  /**
   * Writes the entries that landed since the last segment as the next segment. When that fails
   * they stay pending, and the next write sends them again under the same number.
   */
  private void write() {
    synchronized (writing) {
      List<ManifestEntry> batch;
      synchronized (lock) {
        batch = pending;
        pending = new ArrayList<>();
      }
      batch.sort(Comparator.comparing(ManifestEntry::path));
      long n = next;
      highest = Math.max(highest, n);
      try {
        snapshots.saveRunSegment(new Manifest(id, clock.instant(), batch), n, guard.owner());
      } catch (RuntimeException e) {
        synchronized (lock) {
          batch.addAll(pending);
          pending = batch;
        }
        throw e;
      }
      next = n + 1;
      lastWrite = clock.instant();
    }
  }

  /** After the snapshot is saved: this run's journal and the dead runs' are no longer needed. */
  void finish() {
    stop();
    List<RunRef> done = new ArrayList<>(dead);
    if (id != null) {
      done.add(own());
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

  /** On failure: the journal stays in the bucket for the next run to take over, with what landed last. */
  @Override
  public void close() {
    if (heartbeat != null) {
      stop();
      boolean landed;
      synchronized (lock) {
        landed = !pending.isEmpty();
      }
      if (landed) {
        try {
          write();
        } catch (RuntimeException e) {
          // the segments already written stand
        }
      }
    }
  }
}
