package p3backup.verify;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
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
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.Download;
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

  public VerifyResult run() throws IOException, InterruptedException {
    SnapshotStore snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix(), options.cache());
    snapshots.requireBucket();
    List<SnapshotRef> all = snapshots.list();
    SnapshotRef ref = snapshots.require(all, options.snapshot());
    Manifest manifest = snapshots.load(ref);
    boolean latest = ref.equals(all.get(all.size() - 1));

    listener.phase("verify");
    // One listing. The latest snapshot is checked against the current objects: the bucket's
    // plain view must mirror it. An older one that names object versions (a bucket that keeps
    // them) is checked against every version, so against the versions it names rather than
    // against what has replaced them since.
    Map<String, Long> listed = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    if (!latest && manifest.entries().stream().anyMatch(e -> e.versionId() != null)) {
      store.listVersions(options.bucket(), options.keyPrefix(), v -> {
        if (v.deleteMarker()) {
          return;
        }
        if (v.versionId() != null) {
          versions.put(v.key() + '\u0000' + v.versionId(), v.size());
        }
        if (v.latest()) {
          listed.put(v.key(), v.size());
        }
      });
    } else {
      store.list(options.bucket(), options.keyPrefix(), o -> listed.put(o.key(), o.size()));
    }
    List<ManifestEntry> present = new ArrayList<>();
    long checked = 0;
    for (ManifestEntry e : manifest.entries()) {
      if (!e.hasObject()) {
        continue;
      }
      checked += e.type() == EntryType.FILE ? 1 : 0;
      String key = KeyMapper.objectKey(options.keyPrefix(), e.path(), e.type() == EntryType.DIR);
      // A server that lists no versions gives none: the current object stands in for it.
      Long size = e.versionId() != null && !versions.isEmpty()
          ? versions.get(key + '\u0000' + e.versionId()) : listed.get(key);
      if (size == null) {
        problems.add(e.path(), "missing from the bucket"
            + (e.versionId() != null && !versions.isEmpty() ? " (version " + e.versionId() + ")" : ""));
      } else if (e.type() == EntryType.FILE && size != e.size()) {
        problems.add(e.path(), "is " + size + " bytes in the bucket, " + e.size() + " recorded");
      } else if (e.type() == EntryType.FILE) {
        present.add(e);
      }
    }
    AtomicLong bytesRead = new AtomicLong();
    if (options.readData()) {
      readData(present, bytesRead);
    }

    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (options.directory() != null) {
      compare(manifest, added, changed, missing);
    }
    return new VerifyResult(options.bucket(), options.keyPrefix(), manifest.id(), checked,
        bytesRead.get(), problems.sorted(), added, changed, missing);
  }

  private void readData(List<ManifestEntry> files, AtomicLong bytesRead) throws InterruptedException {
    listener.totals(files.size(), files.stream().mapToLong(ManifestEntry::size).sum());
    ExecutorService pool = Workers.pool("p3backup-verify", options.jobs());
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (ManifestEntry e : files) {
        jobs.add(pool.submit(() -> {
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
        }));
      }
      for (Future<?> j : jobs) {
        try {
          j.get();
        } catch (ExecutionException ex) {
          jobs.forEach(x -> x.cancel(true));
          if (ex.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(ex.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** What differs between the directory and the snapshot: new, changed and missing paths. */
  private void compare(Manifest manifest, List<String> added, List<String> changed,
      List<String> missing) throws IOException {
    listener.phase("compare");
    List<LocalEntry> local = new Scanner(options.directory(), ExcludeRules.none(), false,
        options.keyPrefix(), listener, problems).scan();
    Map<String, ManifestEntry> recorded = new HashMap<>();
    for (ManifestEntry e : manifest.entries()) {
      recorded.put(e.path(), e);
    }
    for (LocalEntry l : local) {
      ManifestEntry r = recorded.remove(l.path());
      if (r == null) {
        added.add(l.path());
      } else if (r.type() != l.type()) {
        changed.add(l.path());
      } else if (l.type() == EntryType.LINK && !Objects.equals(r.linkTarget(), l.linkTarget())) {
        changed.add(l.path());
      } else if (l.type() == EntryType.FILE && !sameContent(l, r)) {
        changed.add(l.path());
      }
    }
    missing.addAll(recorded.keySet());
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
