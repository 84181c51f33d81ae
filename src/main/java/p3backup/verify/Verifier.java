package p3backup.verify;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.ChangeDetector;
import p3backup.scan.Digests;
import p3backup.scan.ExcludeRules;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;
import p3backup.snapshot.ManifestReader;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.Download;
import p3backup.storage.KeyIndex;
import p3backup.storage.ObjectStore;
import p3backup.storage.Retries;
import p3backup.storage.StorageException;
import p3backup.work.Workers;

/**
 * Checks a snapshot against the bucket: every object (or object version) it names is there with
 * its recorded size (one listing, no request per object), and with --read-data that its bytes hash to the recorded
 * SHA-256. With a directory, also lists what differs between it and the snapshot, using the same
 * change detection as backup.
 */
public final class Verifier {
  private final ObjectStore store;
  private final VerifyOptions options;
  private final RunListener listener;
  private final Problems problems;

  public Verifier(ObjectStore store, VerifyOptions options, RunListener listener) {
    this.store = store;
    this.options = options;
    this.listener = listener;
    this.problems = new Problems(listener);
  }

  /** Downloads handed to the workers ahead of the oldest one still under way. */
  private static final int WINDOW = 4096;

  public VerifyResult run() throws IOException, InterruptedException {
    SnapshotStore snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix(), options.cache());
    snapshots.requireBucket();
    List<SnapshotRef> all = snapshots.list();
    SnapshotRef ref = snapshots.require(all, options.snapshot());
    boolean latest = ref.equals(all.get(all.size() - 1));

    listener.phase("verify");
    // The listing. The latest snapshot is checked against the current objects: the bucket's
    // plain view must mirror it. An older one is checked against every version (on a bucket
    // that keeps them), so against the versions it names rather than against what has replaced
    // them since. Sizes are held by key hash, 16 bytes per object. The listing is cut along the
    // snapshot's folders into listings that run at once (FolderListing).
    KeyIndex listed = new KeyIndex();
    KeyIndex versions = new KeyIndex();
    int depth = 0;
    int jobs = options.jobs();
    try (ManifestReader manifest = snapshots.open(ref)) {
      if (jobs > 1 && manifest.files() / FolderListing.OBJECTS_PER_LISTING > 1) {
        FolderListing.Shape shape = new FolderListing.Shape();
        for (ManifestEntry e; (e = manifest.next()) != null; ) {
          shape.add(e);
        }
        depth = shape.depth(jobs);
      }
    }
    try (ManifestReader manifest = depth == 0 ? null : snapshots.open(ref)) {
      FolderListing.run(manifest, options.keyPrefix(), depth, jobs, (prefix, shallow) -> {
        if (!latest) {
          store.listVersions(options.bucket(), prefix, shallow, v -> {
            if (v.deleteMarker()) {
              return;
            }
            synchronized (listed) {
              if (v.versionId() != null) {
                versions.add(v.key() + '\u0000' + v.versionId(), v.size());
              }
              if (v.latest()) {
                listed.add(v.key(), v.size());
              }
            }
          });
        } else {
          store.list(options.bucket(), prefix, shallow, o -> {
            synchronized (listed) {
              listed.add(o.key(), o.size());
            }
          });
        }
      });
    }
    listed.seal();
    versions.seal();
    boolean byVersion = versions.size() > 0;
    long checked = 0;
    String id;
    AtomicLong bytesRead = new AtomicLong();
    ExecutorService pool = options.readData() ? Workers.pool("p3backup-verify", options.jobs()) : null;
    try (ManifestReader manifest = snapshots.open(ref)) {
      id = manifest.id();
      if (options.readData()) {
        listener.totals(manifest.files(), manifest.bytes());
      }
      java.util.ArrayDeque<Future<?>> window = new java.util.ArrayDeque<>();
      for (ManifestEntry e; (e = manifest.next()) != null; ) {
        if (!e.hasObject()) {
          continue;
        }
        checked += e.type() == EntryType.FILE ? 1 : 0;
        String key = KeyMapper.objectKey(options.keyPrefix(), e.path(), e.type() == EntryType.DIR);
        // A server that lists no versions gives none: the current object stands in for it.
        boolean version = e.versionId() != null && byVersion;
        long size = version ? versions.get(key + '\u0000' + e.versionId(), -1) : listed.get(key, -1);
        if (size < 0) {
          problems.add(e.path(), "missing from the bucket"
              + (version ? " (version " + e.versionId() + ")" : ""));
        } else if (e.type() == EntryType.FILE && size != e.size()) {
          problems.add(e.path(), "is " + size + " bytes in the bucket, " + e.size() + " recorded");
        } else if (e.type() == EntryType.FILE && pool != null) {
          while (window.size() >= WINDOW) {
            FolderListing.await(window.pollFirst(), window);
          }
          ManifestEntry file = e;
          window.addLast(pool.submit(() -> readData(file, bytesRead)));
        }
      }
      while (!window.isEmpty()) {
        FolderListing.await(window.pollFirst(), window);
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }

    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (options.directory() != null) {
      try (ManifestReader manifest = snapshots.open(ref)) {
        compare(manifest, added, changed, missing);
      }
    }
    return new VerifyResult(options.bucket(), options.keyPrefix(), id, checked,
        bytesRead.get(), problems.sorted(), added, changed, missing);
  }

  /** Downloads one file's object and checks it against the recorded size and SHA-256. */
  private Void readData(ManifestEntry e, AtomicLong bytesRead) throws IOException, InterruptedException {
    String key = KeyMapper.objectKey(options.keyPrefix(), e.path(), false);
    MessageDigest sha = Digests.sha256();
    long n;
    try {
      n = Retries.of(() -> {
        sha.reset();
        long read = 0;
        try (Download d = store.open(options.bucket(), key, e.versionId())) {
          byte[] buf = new byte[1 << 16];
          int r;
          while ((r = d.stream().read(buf)) > 0) {
            sha.update(buf, 0, r);
            read += r;
            listener.bytes(r);
          }
          if (d.length() < 0 || read != d.length()) {
            throw new java.io.IOException("download ended after " + read + " bytes"); // retried
          }
        }
        return read;
      });
    } catch (StorageException s) {
      if (s.kind() != StorageException.Kind.NOT_FOUND) {
        throw s;
      }
      problems.add(e.path(), "missing from the bucket"
          + (e.versionId() != null ? " (version " + e.versionId() + ")" : ""));
      return null;
    }
    bytesRead.addAndGet(n);
    if (n != e.size() || !Digests.hex(sha.digest()).equals(e.sha256())) {
      problems.add(e.path(), "content does not match the recorded SHA-256");
    }
    listener.fileDone(e.path());
    return null;
  }

  /**
   * What differs between the directory and the snapshot: new, changed and missing paths. The
   * scan and the manifest are walked in lock-step, both in path order.
   */
  private void compare(ManifestReader manifest, List<String> added, List<String> changed,
      List<String> missing) throws IOException {
    listener.phase("compare");
    ManifestEntry[] r = {manifest.next()};
    IOException[] failed = {null};
    try {
      new Scanner(options.directory(), ExcludeRules.none(), false, options.keyPrefix(), listener,
        problems).scan(l -> {
          try {
            while (r[0] != null && r[0].path().compareTo(l.path()) < 0) {
              missing.add(r[0].path());
              r[0] = manifest.next();
            }
            if (r[0] == null || !r[0].path().equals(l.path())) {
              added.add(l.path());
              return;
            }
            ManifestEntry rec = r[0];
            r[0] = manifest.next();
            if (rec.type() != l.type()) {
              changed.add(l.path());
            } else if (l.type() == EntryType.LINK && !Objects.equals(rec.linkTarget(), l.linkTarget())) {
              changed.add(l.path());
            } else if (l.type() == EntryType.FILE && !sameContent(l, rec)) {
              changed.add(l.path());
            }
          } catch (IOException e) {
            if (failed[0] == null) {
              failed[0] = e;
            }
            throw new java.io.UncheckedIOException(e);
          }
        });
    } catch (java.io.UncheckedIOException e) {
      if (failed[0] != null) {
        throw failed[0];
      }
      throw e;
    }
    for (ManifestEntry rest = r[0]; rest != null; rest = manifest.next()) {
      missing.add(rest.path());
    }
    added.sort(null);
    changed.sort(null);
    missing.sort(null);
  }

  private boolean sameContent(LocalEntry l, ManifestEntry r) throws IOException {
    if (ChangeDetector.unchanged(l.stat(), r.recorded())) {
      return true;
    }
    if (l.stat().size() != r.size()) {
      return false;
    }
    try {
      return Digests.hexOf(l.file(), Digests.sha256()).equals(r.sha256());
    } catch (IOException e) {
      problems.add(l.path(), "cannot read: " + e.getMessage());
      return true;
    }
  }
}
