package p3backup.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import p3backup.backup.BackupResult.Planned;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestException;
import p3backup.snapshot.ManifestReader;
import p3backup.snapshot.ManifestWriter;
import p3backup.snapshot.SnapshotId;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.Body;
import p3backup.storage.BucketSetup;
import p3backup.storage.BucketState;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectStore;
import p3backup.storage.StorageException;
import p3backup.work.Workers;

/**
 * One backup: scan the tree, compare it with the last snapshot, upload what changed in parallel,
 * delete what --delete allows, and save the new snapshot's manifest last — the commit point. A
 * run that fails before the manifest leaves the previous snapshot as it was.
 */
public final class BackupRun {
  /** The digest of no bytes, for directory marker objects. */
  private static final byte[] EMPTY_SHA256 = p3backup.scan.Digests.sha256().digest();

  private final ObjectStore store;
  private final BackupOptions options;
  private final Clock clock;
  private final RunListener listener;

  public BackupRun(ObjectStore store, BackupOptions options, Clock clock, RunListener listener) {
    this.store = store;
    this.options = options;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * How many items the run holds between the planner and the manifest writer: the files being
   * uploaded and those done but waiting for an earlier one, in path order.
   */
  static final int WINDOW = 8192;

  public BackupResult run() throws IOException, InterruptedException {
    Problems problems = new Problems(listener);
    SnapshotStore snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix(),
        options.cache());

    // The tree is scanned while the bucket is checked and the last snapshot fetched: the one
    // waits on the disk, the other on the network.
    listener.phase("scan");
    try (ScanFeed scan = new ScanFeed(new Scanner(options.root(), options.excludes(),
        options.followLinks(), options.keyPrefix(), listener, problems))) {
      BucketState state = store.bucketState(options.bucket());
      boolean created = false;
      SnapshotRef previousRef = null;
      RunJournal journal = new RunJournal(snapshots, store, options, clock, problems);
      Takeover takenOver = Takeover.none();
      List<SnapshotRef> refs = List.of();
      if (state == BucketState.MISSING) {
        if (!options.dryRun()) {
          BucketWarnings.merge(options.bucket(),
              store.createBucket(options.bucket(), new BucketSetup(options.versioning())))
              .ifPresent(problems::warn);
          created = true;
        }
      } else {
        SnapshotStore.Listing listing = snapshots.listAll();
        refs = listing.snapshots();
        previousRef = refs.isEmpty() ? null : refs.get(refs.size() - 1);
        takenOver = journal.takeOver(listing, previousRef == null ? null : previousRef.id());
      }
      ManifestReader previous = open(snapshots, previousRef, problems);
      Takeover takeover = takenOver;
      try (journal; previous; takeover; ManifestWriter next = snapshots.newManifest()) {
        return backup(snapshots, refs, previousRef, previous, problems, journal, takeover,
            created, scan, next);
      }
    }
  }

  /** The last snapshot opened for reading, or null (none, or unreadable: named as a warning). */
  private static ManifestReader open(SnapshotStore snapshots, SnapshotRef ref, Problems problems) {
    if (ref == null) {
      return null;
    }
    try {
      return snapshots.open(ref);
    } catch (ManifestException | UncheckedIOException e) {
      problems.warn(e.getMessage() + "; hashing every file as if this were the first backup");
      return null;
    }
  }

  /** One item of the window: what the planner said, and the upload's outcome where it has one. */
  private record Pending(Planner.Item item, Future<Uploader.Outcome> outcome) {}

  private BackupResult backup(SnapshotStore snapshots, List<SnapshotRef> refs,
      SnapshotRef previousRef, ManifestReader previous, Problems problems, RunJournal journal,
      Takeover takenOver, boolean created, ScanFeed scan, ManifestWriter writer)
      throws IOException, InterruptedException {
    String snapshotId = SnapshotId.next(clock.instant(), previousRef == null ? null : previousRef.id());
    Planner planner = new Planner(scan, previous, takenOver, options.checksum(), problems::warn);
    listener.phase(options.dryRun() ? "check" : "upload");
    List<Planned> planned = new ArrayList<>();
    p3backup.storage.KeyIndex keep = options.delete() ? new p3backup.storage.KeyIndex() : null;
    Set<String> failedPaths = new HashSet<>();
    long filesScanned = 0;
    long uploaded = 0;
    long uploadedBytes = 0;
    long vanished = 0;
    long markers = 0;
    long toCheck = 0;
    long checkBytes = 0;
    NewManifest next = new NewManifest(writer, snapshots, previousRef, previous == null);
    boolean journalStarted = false;
    int jobs = options.jobs();
    int buffersPerPool = Math.max(2, Math.min(jobs, 8)) + 2;
    BufferPool buffers = new BufferPool((int) options.partSize(), buffersPerPool);
    ExecutorService files = Workers.pool("p3backup-file", jobs);
    ExecutorService parts = Workers.pool("p3backup-part", jobs);
    StorageException failure = null;
    try {
      Uploader uploader = new Uploader(store, options, buffers, buffersPerPool, parts, listener);
      // Items go to the workers as the planner yields them, up to a window ahead of the one whose
      // outcome is awaited; outcomes are written to the new manifest in path order. A head that
      // is done is written at once, so that the window holds only what waits for an upload.
      ArrayDeque<Pending> window = new ArrayDeque<>();
      boolean planning = true;
      while (true) {
        while (planning && failure == null && window.size() < WINDOW && !done(window.peekFirst())) {
          Planner.Item item = planner.next();
          if (item == null) {
            planning = false;
            break;
          }
          if (item instanceof Planner.Delete) {
            next.change();
            continue;
          }
          Future<Uploader.Outcome> outcome = null;
          if (item instanceof Planner.Upload u) {
            filesScanned++;
            toCheck++;
            checkBytes += u.local().stat().size();
            if (!journalStarted && !options.dryRun()) {
              journal.start(snapshotId);
              journalStarted = true;
            }
            outcome = files.submit(() -> {
              Uploader.Outcome o = uploader.backup(u.local(), u.known());
              if (o instanceof Uploader.Uploaded up && !options.dryRun()) {
                journal.uploaded(up.entry());
              }
              listener.fileDone(u.path());
              return o;
            });
          } else if (item instanceof Planner.Marker m) {
            toCheck++;
            markers++;
            next.change();
            if (options.dryRun()) {
              planned.add(new Planned("upload", m.path() + "/", 0));
            } else {
              if (!journalStarted) {
                journal.start(snapshotId);
                journalStarted = true;
              }
              outcome = files.submit(() -> {
                putMarker(m.local());
                listener.fileDone(m.path());
                return new Uploader.Same(m.entry());
              });
            }
          } else if (item instanceof Planner.Unchanged k && k.entry().type() == EntryType.FILE) {
            filesScanned++;
          }
          listener.totals(toCheck, checkBytes);
          window.addLast(new Pending(item, outcome));
        }
        Pending head = window.pollFirst();
        if (head == null) {
          break;
        }
        ManifestEntry entry;
        if (head.outcome() == null) {
          entry = head.item() instanceof Planner.Unchanged k ? k.entry()
              : ((Planner.Marker) head.item()).entry();
        } else {
          Uploader.Outcome o;
          try {
            o = head.outcome().get();
          } catch (ExecutionException ex) {
            if (ex.getCause() instanceof StorageException se) {
              if (failure == null) {
                failure = se;
                for (Pending p : window) {
                  if (p.outcome() != null) {
                    p.outcome().cancel(false);
                  }
                }
              }
              continue;
            }
            throw unchecked(ex);
          } catch (java.util.concurrent.CancellationException ex) {
            continue;
          }
          String path = head.item().path();
          if (head.item() instanceof Planner.Marker m) {
            entry = m.entry();
          } else if (o instanceof Uploader.Uploaded u) {
            listener.detail((options.dryRun() ? "would upload: " : "upload: ") + path);
            entry = u.entry();
            uploaded++;
            uploadedBytes += u.bytes();
            if (options.dryRun()) {
              planned.add(new Planned("upload", path, u.bytes()));
            }
          } else if (o instanceof Uploader.Same same) {
            entry = same.entry();
          } else if (o instanceof Uploader.Failed f) {
            problems.add(path, f.message());
            failedPaths.add(path);
            if (head.item().was() != null) {
              next.change();
            }
            continue;
          } else {
            vanished++;
            if (head.item().was() != null) {
              next.change();
            }
            problems.warn(path + ": vanished during the backup; not in this snapshot");
            continue;
          }
        }
        if (failure == null) {
          next.add(entry, head.item().was());
          if (keep != null && entry.hasObject()) {
            keep.add(objectKey(entry));
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      files.shutdownNow();
      parts.shutdownNow();
    }

    // Delete what an earlier snapshot wrote and the tree no longer has.
    long deleted = 0;
    if (options.delete()) {
      listener.phase("delete");
      List<String> doomed = deletable(snapshots, refs, previousRef, keep, failedPaths, problems);
      if (options.dryRun()) {
        for (String key : doomed) {
          planned.add(new Planned("delete", key.substring(options.keyPrefix().length()), 0));
        }
      } else if (!doomed.isEmpty()) {
        if (!journalStarted) {
          journal.start(snapshotId);
          journalStarted = true;
        }
        List<ObjectStore.ObjectProblem> refused = store.delete(options.bucket(), doomed);
        for (ObjectStore.ObjectProblem p : refused) {
          problems.add(p.key().substring(options.keyPrefix().length()), "not deleted: " + p.message());
        }
        deleted = doomed.size() - refused.size();
        for (String key : doomed) {
          listener.detail("delete: " + key.substring(options.keyPrefix().length()));
        }
      }
    }

    // Commit: the manifest goes last, after every object it lists has landed.
    if (deleted > 0) {
      next.change();
    }
    String saved = null;
    if (!options.dryRun()) {
      if (next.changed()) {
        listener.phase("commit");
        snapshots.save(writer, snapshotId, clock.instant());
        saved = snapshotId;
      }
      journal.finish();
    }
    planned.sort((a, b) -> a.path().compareTo(b.path()));
    return new BackupResult(options.bucket(), options.keyPrefix(), saved, created,
        filesScanned, uploaded, filesScanned - uploaded - failedPaths.size() - vanished, deleted,
        uploadedBytes, planned, problems.sorted(), problems.warnings());
  }

  /** Whether the window's head (null: none) can be written without waiting. */
  private static boolean done(Pending head) {
    return head != null && (head.outcome() == null || head.outcome().isDone());
  }

  private void putMarker(LocalEntry d) {
    store.put(options.bucket(), KeyMapper.objectKey(options.keyPrefix(), d.path(), true),
        new Body(new byte[0], 0, 0, EMPTY_SHA256, null),
        new ObjectAttributes("application/x-directory", Map.of("mtime",
            Metadata.mtime(d.stat().mtimeNanos())), options.storageClass(), options.sse(),
            options.sseKmsKeyId()));
  }

  /**
   * The object keys to delete: listed under the target, absent from the new snapshot, not
   * excluded, not failed, and written by p3backup (named by the last manifest or, failing that,
   * by an older one). The new snapshot's keys are known here by their 64-bit hashes, 8 bytes per
   * object: a collision can only keep an object, never delete one.
   */
  private List<String> deletable(SnapshotStore snapshots, List<SnapshotRef> refs,
      SnapshotRef previousRef, p3backup.storage.KeyIndex keep, Set<String> failedPaths, Problems problems) {
    keep.seal();
    String reserved = snapshots.reservedPrefix();
    List<String> candidates = new ArrayList<>();
    store.list(options.bucket(), options.keyPrefix(), o -> {
      String key = o.key();
      if (key.startsWith(reserved) || keep.contains(key)) {
        return;
      }
      String path = key.substring(options.keyPrefix().length());
      boolean dir = path.endsWith("/");
      String rel = dir ? path.substring(0, path.length() - 1) : path;
      if (rel.isEmpty() || failedPaths.contains(rel) || excluded(rel, dir)) {
        return;
      }
      candidates.add(key);
    });
    if (candidates.isEmpty()) {
      return candidates;
    }
    Set<String> unresolved = new HashSet<>(candidates);
    Set<String> written = new HashSet<>();
    for (int i = refs.size() - 1; i >= 0 && !unresolved.isEmpty(); i--) {
      SnapshotRef ref = refs.get(i);
      if (previousRef != null && ref.id().compareTo(previousRef.id()) > 0) {
        continue;
      }
      try (ManifestReader m = snapshots.open(ref)) {
        for (ManifestEntry e; (e = m.next()) != null; ) {
          if (e.hasObject()) {
            String key = objectKey(e);
            if (unresolved.remove(key)) {
              written.add(key);
            }
          }
        }
      } catch (ManifestException | UncheckedIOException | IOException e) {
        problems.warn(e.getMessage() + "; its objects are not deleted");
      }
    }
    List<String> doomed = new ArrayList<>();
    for (String key : candidates) {
      if (written.contains(key)) {
        doomed.add(key);
      }
    }
    return doomed;
  }

  private boolean excluded(String rel, boolean dir) {
    if (options.excludes().isEmpty()) {
      return false;
    }
    int slash = -1;
    while ((slash = rel.indexOf('/', slash + 1)) >= 0) {
      if (options.excludes().isExcluded(rel.substring(0, slash), true)) {
        return true;
      }
    }
    return options.excludes().isExcluded(rel, dir);
  }

  private String objectKey(ManifestEntry e) {
    return KeyMapper.objectKey(options.keyPrefix(), e.path(), e.type() == EntryType.DIR);
  }

  /**
   * The new snapshot's manifest, written only from the first difference from the previous one:
   * a rerun that finds nothing changed writes none. Until then the entries that came are the
   * previous manifest's first ones, in order (a path gone from the tree is a difference), so
   * that they are copied from it when the first difference comes; the few that differ from
   * theirs in what a restore does not use (ctime, inode) are kept aside to be copied instead.
   */
  private static final class NewManifest {
    private final ManifestWriter writer;
    private final SnapshotStore snapshots;
    private final SnapshotRef previousRef;
    private final Map<Long, ManifestEntry> refreshed = new java.util.HashMap<>();
    private boolean changed;
    private long same;

    NewManifest(ManifestWriter writer, SnapshotStore snapshots, SnapshotRef previousRef,
        boolean changed) {
      this.writer = writer;
      this.snapshots = snapshots;
      this.previousRef = previousRef;
      this.changed = changed;
    }

    boolean changed() {
      return changed;
    }

    /** The snapshot differs from the previous one: write what came so far, and all that follows. */
    void change() throws IOException {
      if (changed) {
        return;
      }
      changed = true;
      if (same == 0) {
        return;
      }
      try (ManifestReader r = snapshots.open(previousRef)) {
        for (long i = 0; i < same; i++) {
          ManifestEntry e = r.next();
          if (e == null) {
            throw new IOException("snapshot " + previousRef.id() + " ended early when read again");
          }
          writer.add(refreshed.getOrDefault(i, e));
        }
      }
      refreshed.clear();
    }

    /** The next entry of the new snapshot; {@code was} the previous snapshot's at its path. */
    void add(ManifestEntry entry, ManifestEntry was) throws IOException {
      if (!changed && differs(was, entry)) {
        change();
      }
      if (changed) {
        writer.add(entry);
        return;
      }
      if (!entry.equals(was)) {
        refreshed.put(same, entry);
      }
      same++;
    }
  }

  /** Whether a new entry differs from the old (null: none) in anything a restore uses. */
  private static boolean differs(ManifestEntry x, ManifestEntry y) {
    return x == null || !x.path().equals(y.path()) || x.type() != y.type() || x.size() != y.size()
        || x.mtimeNanos() != y.mtimeNanos() || x.mode() != y.mode() || x.marker() != y.marker()
        || !Objects.equals(x.sha256(), y.sha256()) || !Objects.equals(x.versionId(), y.versionId())
        || !Objects.equals(x.linkTarget(), y.linkTarget());
  }

  private static RuntimeException unchecked(ExecutionException ex) {
    Throwable c = ex.getCause();
    if (c instanceof RuntimeException r) {
      return r;
    }
    if (c instanceof Error e) {
      throw e;
    }
    if (c instanceof IOException io) {
      return new UncheckedIOException(io);
    }
    return new IllegalStateException(c);
  }

}
