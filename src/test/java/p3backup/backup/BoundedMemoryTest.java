package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import p3backup.problems.RunListener;
import p3backup.restore.RestoreOptions;
import p3backup.restore.RestoreResult;
import p3backup.restore.Restorer;
import p3backup.scan.Digests;
import p3backup.scan.ExcludeRules;
import p3backup.storage.Body;
import p3backup.storage.BucketInfo;
import p3backup.storage.BucketSetup;
import p3backup.storage.BucketState;
import p3backup.storage.Download;
import p3backup.storage.InMemoryObjectStore;
import p3backup.storage.MultipartUpload;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectInfo;
import p3backup.storage.ObjectStore;
import p3backup.storage.ObjectVersion;
import p3backup.storage.PutResult;
import p3backup.storage.StorageException;

/**
 * A backup and a restore of a tree of 200,000 entries, run in a JVM whose heap is too small for
 * the tree's entries held as records (pom.xml runs this class alone with -Xmx224m: the tree on
 * Jimfs takes some 125 MiB of it, a record per entry would take another 200). Memory stays
 * bounded by construction, not by measurement. The store checks every upload against content
 * derived from the key and keeps only p3backup's own objects, so that it holds no file either.
 */
class BoundedMemoryTest {
  private static final int DIRS = 1000;
  private static final int FILES_PER_DIR = 199;

  @Test
  void twoHundredThousandEntriesGoUpAndComeBackInASmallHeap() throws Exception {
    Configuration small = Configuration.unix().toBuilder().setBlockSize(32)
        .setAttributeViews("basic").build();
    try (FileSystem fs = Jimfs.newFileSystem(small)) {
      Path root = fs.getPath("/tree");
      for (int d = 0; d < DIRS; d++) {
        Path dir = Files.createDirectories(root.resolve("d" + (d / 100)).resolve("s" + d));
        for (int f = 0; f < FILES_PER_DIR; f++) {
          String rel = "d" + (d / 100) + "/s" + d + "/f" + f;
          Files.write(dir.resolve("f" + f), content(rel));
        }
      }
      long entries = (long) DIRS * FILES_PER_DIR + DIRS + DIRS / 100;
      assertTrue(entries >= 200_000, "entries: " + entries);

      DerivedStore store = new DerivedStore();
      BackupResult first = backup(store, root);
      assertEquals(DIRS * FILES_PER_DIR, first.filesUploaded());
      assertEquals(DIRS * FILES_PER_DIR, store.checkedUploads.get());
      assertEquals(List.of(), first.problems());

      BackupResult rerun = backup(store, root);
      assertEquals(0, rerun.filesUploaded(), "nothing changed");
      assertEquals(DIRS * FILES_PER_DIR, rerun.filesUnchanged());

      // The source goes before the restore, so that the file system holds one tree at a time.
      try (Stream<Path> all = Files.walk(root)) {
        for (Path p : (Iterable<Path>) all.sorted((a, b) -> b.compareTo(a))::iterator) {
          Files.delete(p);
        }
      }
      Path dest = fs.getPath("/restored");
      RestoreResult r = new Restorer(store, new RestoreOptions("bucket", "", dest, null, false,
          ExcludeRules.none(), 4, 8L << 20, null), RunListener.NONE).run();
      assertEquals(List.of(), r.problems());
      assertEquals(DIRS * FILES_PER_DIR, r.filesRestored());
      long checked = 0;
      try (Stream<Path> all = Files.walk(dest)) {
        for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
          String rel = dest.relativize(p).toString();
          assertTrue(Arrays.equals(content(rel), Files.readAllBytes(p)), rel);
          checked++;
        }
      }
      assertEquals(DIRS * FILES_PER_DIR, checked);
    }
  }

  private static BackupResult backup(ObjectStore store, Path root) throws Exception {
    return new BackupRun(store, new BackupOptions("bucket", "", root, ExcludeRules.none(), false,
        false, false, false, 4, 8L << 20, null, null, null, false, null), Clock.systemUTC(),
        RunListener.NONE).run();
  }

  /** The content of the file at {@code rel}: derived from its path, so no one needs to keep it. */
  static byte[] content(String rel) {
    return ("content of " + rel + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A store for this test: p3backup's own objects (manifests, journals) kept in an
   * InMemoryObjectStore; a file's object checked on upload against its derived content (size and
   * SHA-256) and given back from it on download, never held.
   */
  private static final class DerivedStore implements ObjectStore {
    private final InMemoryObjectStore own = new InMemoryObjectStore(false);
    final AtomicLong checkedUploads = new AtomicLong();

    private static boolean ours(String key) {
      return key.startsWith(".p3backup/");
    }

    @Override
    public BucketState bucketState(String bucket) {
      return own.bucketState(bucket);
    }

    @Override
    public List<String> createBucket(String bucket, BucketSetup setup) {
      return own.createBucket(bucket, setup);
    }

    @Override
    public List<BucketInfo> listBuckets() {
      return own.listBuckets();
    }

    @Override
    public void list(String bucket, String prefix, boolean shallow, Consumer<ObjectInfo> each) {
      own.list(bucket, prefix, shallow, each);
    }

    @Override
    public PutResult put(String bucket, String key, Body body, ObjectAttributes attributes) {
      if (ours(key)) {
        return own.put(bucket, key, body, attributes);
      }
      byte[] expected = content(key);
      byte[] got = Arrays.copyOfRange(body.array(), body.offset(), body.offset() + body.length());
      if (!Arrays.equals(expected, got)
          || !Arrays.equals(body.sha256(), Digests.sha256().digest(expected))) {
        throw new StorageException(StorageException.Kind.CLIENT, "BadDigest: " + key, null);
      }
      checkedUploads.incrementAndGet();
      return new PutResult(null);
    }

    @Override
    public MultipartUpload startMultipart(String bucket, String key, ObjectAttributes attributes) {
      return own.startMultipart(bucket, key, attributes);
    }

    @Override
    public InputStream get(String bucket, String key, String versionId) {
      return ours(key) ? own.get(bucket, key, versionId) : new ByteArrayInputStream(content(key));
    }

    @Override
    public Download open(String bucket, String key, String versionId) {
      if (ours(key)) {
        return own.open(bucket, key, versionId);
      }
      byte[] c = content(key);
      return new Download(new ByteArrayInputStream(c), c.length, Map.of(), Instant.EPOCH);
    }

    @Override
    public Map<String, String> head(String bucket, String key) {
      return own.head(bucket, key);
    }

    @Override
    public InputStream getRange(String bucket, String key, String versionId, long from, long length) {
      return own.getRange(bucket, key, versionId, from, length);
    }

    @Override
    public List<PendingUpload> pendingUploads(String bucket, String prefix) {
      return own.pendingUploads(bucket, prefix);
    }

    @Override
    public void abortUpload(String bucket, String key, String uploadId) {
      own.abortUpload(bucket, key, uploadId);
    }

    @Override
    public List<ObjectProblem> delete(String bucket, List<String> keys) {
      return own.delete(bucket, keys.stream().filter(DerivedStore::ours).toList());
    }

    @Override
    public void listVersions(String bucket, String prefix, boolean shallow,
        Consumer<ObjectVersion> each) {
      own.listVersions(bucket, prefix, shallow, each);
    }

    @Override
    public List<VersionProblem> deleteVersions(String bucket, List<VersionRef> versions) {
      return own.deleteVersions(bucket, versions);
    }

    @Override
    public void close() {}
  }

}
