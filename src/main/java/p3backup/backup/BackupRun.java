package p3backup.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import p3backup.backup.BackupResult.Planned;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.ChangeDetector;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestException;
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
  private static final int MAX_PARTS = 10_000;
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

  public BackupResult run() throws IOException, InterruptedException {
    Problems problems = new Problems(listener);
    SnapshotStore snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix(), options.cache());

    // The tree is scanned while the bucket is checked and the last snapshot fetched: the one
    // waits on the disk, the other on the network.
    listener.phase("scan");
    FutureTask<List<LocalEntry>> scan = new FutureTask<>(() -> new Scanner(options.root(),
        options.excludes(), options.followLinks(), options.keyPrefix(), listener, problems).scan());
    Thread scanner = new Thread(scan, "p3backup-scan");
    scanner.setDaemon(true);
    scanner.start();
    try {
      return run(problems, snapshots, scan);
    } finally {
      scan.cancel(true);
    }
  }

  private BackupResult run(Problems problems, SnapshotStore snapshots,
      FutureTask<List<LocalEntry>> scan) throws IOException, InterruptedException {
    BucketState state = store.bucketState(options.bucket());
    boolean created = false;
    Manifest previous = null;
    RunJournal journal = new RunJournal(snapshots, store, options, clock, problems);
    Map<String, ManifestEntry> takenOver = Map.of();
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
      previous = latest(snapshots, refs, problems);
      takenOver = journal.takeOver(listing, previous);
    }
    List<LocalEntry> local;
    try {
      local = scan.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw unchecked(e);
    }
    try (journal) {
      return backup(snapshots, refs, problems, journal, previous, takenOver, created, local);
    }
  }

  private BackupResult backup(SnapshotStore snapshots, List<SnapshotRef> refs, Problems problems,
      RunJournal journal, Manifest previous, Map<String, ManifestEntry> takenOver, boolean created,
      List<LocalEntry> local) throws IOException, InterruptedException {

    // Plan: which files may have changed, which directories need a marker object. The new
    // manifest's entries fill slots in the scan's (path) order; the scan's list is let go once
    // planned, and each file's entry once its outcome is in, so that memory holds about one
    // record per file of the tree, not three.
    Map<String, ManifestEntry> before = new HashMap<>();
    if (previous != null) {
      for (ManifestEntry e : previous.entries()) {
        before.put(e.path(), e);
      }
    }
    before.putAll(takenOver);
    List<LocalEntry> toCheck = new ArrayList<>();
    List<LocalEntry> markers = new ArrayList<>();
    ManifestEntry[] next = new ManifestEntry[local.size()];
    int[] slotOf = new int[local.size()];
    long filesScanned = 0;
    long checkBytes = 0;
    long maxSize = 0;
    for (int slot = 0; slot < local.size(); slot++) {
      LocalEntry e = local.get(slot);
      ManifestEntry was = before.get(e.path());
      switch (e.type()) {
        case FILE -> {
          filesScanned++;
          maxSize = Math.max(maxSize, e.stat().size());
          if (was != null && was.type() == EntryType.FILE && !options.checksum()
              && ChangeDetector.unchanged(e.stat(), was.recorded())) {
            next[slot] = was;
          } else {
            slotOf[toCheck.size()] = slot;
            toCheck.add(e);
            checkBytes += e.stat().size();
          }
        }
        case DIR -> {
          boolean hadMarker = was != null && was.type() == EntryType.DIR && was.marker();
          if (e.emptyDir() && !hadMarker) {
            markers.add(e);
          }
          next[slot] = new ManifestEntry(e.path(), EntryType.DIR, 0, e.stat().mtimeNanos(),
              e.stat().mode(), null, null, null, e.emptyDir(), e.stat().ctimeNanos(), e.stat().inode());
        }
        case LINK -> next[slot] = new ManifestEntry(e.path(), EntryType.LINK, 0,
            e.stat().mtimeNanos(), e.stat().mode(), null, null, e.linkTarget(), false,
            e.stat().ctimeNanos(), e.stat().inode());
      }
    }
    local.clear();

    // Transfer, journalled so that a run that dies loses nothing it uploaded.
    String snapshotId = SnapshotId.next(clock.instant(), previous == null ? null : previous.id());
    if (!options.dryRun() && (!toCheck.isEmpty() || !markers.isEmpty() || options.delete())) {
      journal.start(snapshotId);
    }
    listener.phase(options.dryRun() ? "check" : "upload");
    listener.totals(toCheck.size() + markers.size(), checkBytes);
    List<Planned> planned = new ArrayList<>();
    AtomicLong uploaded = new AtomicLong();
    long vanished = 0;
    AtomicLong uploadedBytes = new AtomicLong();
    Set<String> failedPaths = new HashSet<>();
    int jobs = options.jobs();
    long partSize = Math.max(options.partSize(), ceilMiB((maxSize + MAX_PARTS - 1) / MAX_PARTS));
    BufferPool buffers = new BufferPool((int) partSize, Math.max(2, Math.min(jobs, 8)) + 2);
    ExecutorService files = Workers.pool("p3backup-file", jobs);
    ExecutorService parts = Workers.pool("p3backup-part", jobs);
    try {
      Uploader uploader = new Uploader(store, withPartSize(partSize), buffers, parts, listener);
      // Files are handed to the workers a window ahead of the results being collected, and each
      // result is dropped once collected, so that memory holds no task per file of the tree.
      List<Future<Uploader.Outcome>> outcomes = new ArrayList<>(toCheck.size());
      int window = jobs * 64;
      java.util.function.IntConsumer submit = i -> {
        LocalEntry e = toCheck.get(i);
        ManifestEntry was = before.get(e.path());
        ManifestEntry prevFile = was != null && was.type() == EntryType.FILE ? was : null;
        outcomes.add(files.submit(() -> {
          Uploader.Outcome o = uploader.backup(e, prevFile);
          if (o instanceof Uploader.Uploaded u && !options.dryRun()) {
            journal.uploaded(u.entry());
          }
          listener.fileDone(e.path());
          return o;
        }));
      };
      for (int i = 0; i < Math.min(window, toCheck.size()); i++) {
        submit.accept(i);
      }
      List<Future<?>> markerJobs = new ArrayList<>();
      if (!options.dryRun()) {
        for (LocalEntry d : markers) {
          markerJobs.add(files.submit(() -> {
            store.put(options.bucket(), KeyMapper.objectKey(options.keyPrefix(), d.path(), true),
                new Body(new byte[0], 0, 0, EMPTY_SHA256, null),
                new ObjectAttributes("application/x-directory", Map.of("mtime",
                    Metadata.mtime(d.stat().mtimeNanos())), options.storageClass(), options.sse(),
                    options.sseKmsKeyId()));
            listener.fileDone(d.path());
            return null;
          }));
        }
      } else {
        for (LocalEntry d : markers) {
          planned.add(new Planned("upload", d.path() + "/", 0));
        }
      }
      StorageException failure = null;
      for (int i = 0; i < toCheck.size(); i++) {
        if (failure == null && outcomes.size() < toCheck.size()) {
          submit.accept(outcomes.size());
        }
        if (i >= outcomes.size()) {
          break; // not submitted after a failure
        }
        LocalEntry e = toCheck.set(i, null);
        Uploader.Outcome o;
        try {
          o = outcomes.get(i).get();
          outcomes.set(i, null);
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof StorageException se) {
            if (failure == null) {
              failure = se;
              cancel(outcomes);
            }
            continue;
          }
          throw unchecked(ex);
        } catch (java.util.concurrent.CancellationException ex) {
          continue;
        }
        if (o instanceof Uploader.Uploaded u) {
          listener.detail((options.dryRun() ? "would upload: " : "upload: ") + e.path());
          next[slotOf[i]] = u.entry();
          uploaded.incrementAndGet();
          uploadedBytes.addAndGet(u.bytes());
          if (options.dryRun()) {
            planned.add(new Planned("upload", e.path(), u.bytes()));
          }
        } else if (o instanceof Uploader.Same s) {
          next[slotOf[i]] = s.entry();
        } else if (o instanceof Uploader.Failed f) {
          problems.add(e.path(), f.message());
          failedPaths.add(e.path());
        } else {
          vanished++;
          problems.warn(e.path() + ": vanished during the backup; not in this snapshot");
        }
      }
      for (Future<?> m : markerJobs) {
        try {
          m.get();
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof StorageException se) {
            failure = failure == null ? se : failure;
            continue;
          }
          throw unchecked(ex);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      files.shutdownNow();
      parts.shutdownNow();
    }

    // The new snapshot's entries, in path order.
    List<ManifestEntry> entries = new ArrayList<>(next.length);
    for (ManifestEntry e : next) {
      if (e != null) {
        entries.add(e);
      }
    }

    // Delete what an earlier snapshot wrote and the tree no longer has.
    long deleted = 0;
    if (options.delete()) {
      listener.phase("delete");
      List<String> doomed = deletable(snapshots, refs, previous, entries, failedPaths, problems);
      if (options.dryRun()) {
        for (String key : doomed) {
          planned.add(new Planned("delete", key.substring(options.keyPrefix().length()), 0));
        }
      } else if (!doomed.isEmpty()) {
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
    boolean changed = uploaded.get() > 0 || deleted > 0 || !markers.isEmpty()
        || previous == null || differs(previous.entries(), entries);
    String saved = null;
    if (!options.dryRun()) {
      if (changed) {
        listener.phase("commit");
        snapshots.save(new Manifest(snapshotId, clock.instant(), entries));
        saved = snapshotId;
      }
      journal.finish();
    }
    planned.sort((a, b) -> a.path().compareTo(b.path()));
    return new BackupResult(options.bucket(), options.keyPrefix(), saved, created,
        filesScanned, uploaded.get(), filesScanned - uploaded.get() - failedPaths.size() - vanished, deleted,
        uploadedBytes.get(), planned, problems.sorted(), problems.warnings());
  }

  private Manifest latest(SnapshotStore snapshots, List<SnapshotRef> refs, Problems problems) {
    if (refs.isEmpty()) {
      return null;
    }
    try {
      return snapshots.load(refs.get(refs.size() - 1));
    } catch (ManifestException | UncheckedIOException e) {
      problems.warn(e.getMessage() + "; hashing every file as if this were the first backup");
      return null;
    }
  }

  /**
   * The object keys to delete: listed under the target, absent from the new snapshot, not
   * excluded, not failed, and written by p3backup (named by the last manifest or, failing that,
   * by an older one).
   */
  private List<String> deletable(SnapshotStore snapshots, List<SnapshotRef> refs, Manifest previous,
      List<ManifestEntry> next, Set<String> failedPaths, Problems problems) {
    Set<String> keep = new HashSet<>();
    for (ManifestEntry e : next) {
      if (e.hasObject()) {
        keep.add(objectKey(e));
      }
    }
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
    resolve(previous, unresolved, written);
    if (!unresolved.isEmpty()) {
      for (int i = refs.size() - 1; i >= 0 && !unresolved.isEmpty(); i--) {
        if (previous != null && refs.get(i).id().equals(previous.id())) {
          continue;
        }
        try {
          resolve(snapshots.load(refs.get(i)), unresolved, written);
        } catch (ManifestException | UncheckedIOException e) {
          problems.warn(e.getMessage() + "; its objects are not deleted");
        }
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

  private void resolve(Manifest m, Set<String> unresolved, Set<String> written) {
    if (m == null) {
      return;
    }
    for (ManifestEntry e : m.entries()) {
      if (e.hasObject()) {
        String key = objectKey(e);
        if (unresolved.remove(key)) {
          written.add(key);
        }
      }
    }
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

  /** Whether the new entries differ from the old in anything a restore uses. */
  private static boolean differs(List<ManifestEntry> a, List<ManifestEntry> b) {
    if (a.size() != b.size()) {
      return true;
    }
    for (int i = 0; i < a.size(); i++) {
      ManifestEntry x = a.get(i);
      ManifestEntry y = b.get(i);
      if (!x.path().equals(y.path()) || x.type() != y.type() || x.size() != y.size()
          || x.mtimeNanos() != y.mtimeNanos() || x.mode() != y.mode() || x.marker() != y.marker()
          || !Objects.equals(x.sha256(), y.sha256()) || !Objects.equals(x.versionId(), y.versionId())
          || !Objects.equals(x.linkTarget(), y.linkTarget())) {
        return true;
      }
    }
    return false;
  }

  private BackupOptions withPartSize(long partSize) {
    BackupOptions o = options;
    return new BackupOptions(o.bucket(), o.keyPrefix(), o.root(), o.excludes(), o.followLinks(),
        o.checksum(), o.delete(), o.dryRun(), o.jobs(), partSize, o.storageClass(), o.sse(),
        o.sseKmsKeyId(), o.versioning(), o.cache());
  }

  private static long ceilMiB(long n) {
    long mib = 1 << 20;
    return (n + mib - 1) / mib * mib;
  }

  private static void cancel(List<? extends Future<?>> futures) {
    for (Future<?> f : futures) {
      if (f != null) {
        f.cancel(false);
      }
    }
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
