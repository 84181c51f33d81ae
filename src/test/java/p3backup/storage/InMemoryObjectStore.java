package p3backup.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import p3backup.scan.Digests;

/**
 * An {@link ObjectStore} in memory, for tests of the engine on other file systems (Jimfs): keeps
 * every version of every object and checks upload digests as S3 does.
 */
public final class InMemoryObjectStore implements ObjectStore {
  /** One stored version. */
  public record Stored(byte[] bytes, Map<String, String> metadata, String versionId, Instant time) {}

  private final Map<String, TreeMap<String, List<Stored>>> buckets = new ConcurrentHashMap<>();
  private final Map<String, List<Stored>> deletedVersions = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final boolean versioned;

  public InMemoryObjectStore(boolean versioned) {
    this.versioned = versioned;
  }

  private TreeMap<String, List<Stored>> bucket(String name) {
    TreeMap<String, List<Stored>> b = buckets.get(name);
    if (b == null) {
      throw new StorageException(StorageException.Kind.NO_SUCH_BUCKET, name + ": no such bucket", null);
    }
    return b;
  }

  /** Puts an object directly, as another tool would. */
  public synchronized void putRaw(String bucket, String key, byte[] bytes, Map<String, String> metadata) {
    store(bucket, key, bytes, metadata);
  }

  public synchronized List<String> keys(String bucket) {
    return new ArrayList<>(bucket(bucket).keySet());
  }

  public synchronized byte[] bytes(String bucket, String key) {
    return current(bucket, key).bytes();
  }

  private Stored current(String bucket, String key) {
    List<Stored> all = bucket(bucket).get(key);
    if (all == null || all.isEmpty()) {
      throw new StorageException(StorageException.Kind.NOT_FOUND, key + ": not found", null);
    }
    return all.get(all.size() - 1);
  }

  private synchronized Stored find(String bucket, String key, String versionId) {
    if (versionId == null) {
      return current(bucket, key);
    }
    List<Stored> all = new ArrayList<>(bucket(bucket).getOrDefault(key, List.of()));
    all.addAll(deletedVersions.getOrDefault(bucket + "/" + key, List.of()));
    if (!all.isEmpty()) {
      for (Stored s : all) {
        if (versionId.equals(s.versionId())) {
          return s;
        }
      }
    }
    throw new StorageException(StorageException.Kind.NOT_FOUND, key + "@" + versionId + ": not found", null);
  }

  private PutResult store(String bucket, String key, byte[] bytes, Map<String, String> metadata) {
    String v = versioned ? "v" + versions.incrementAndGet() : null;
    List<Stored> list = bucket(bucket).computeIfAbsent(key, k -> new ArrayList<>());
    if (!versioned) {
      list.clear();
    }
    list.add(new Stored(bytes, Map.copyOf(metadata), v, Instant.now()));
    return new PutResult(v);
  }

  @Override
  public synchronized BucketState bucketState(String bucket) {
    return buckets.containsKey(bucket) ? BucketState.EXISTS : BucketState.MISSING;
  }

  @Override
  public synchronized List<String> createBucket(String bucket, BucketSetup setup) {
    buckets.putIfAbsent(bucket, new TreeMap<>());
    return List.of();
  }

  @Override
  public synchronized List<BucketInfo> listBuckets() {
    return buckets.keySet().stream().sorted().map(b -> new BucketInfo(b, Instant.EPOCH)).toList();
  }

  @Override
  public void list(String bucket, String prefix, Consumer<ObjectInfo> each) {
    List<ObjectInfo> infos = new ArrayList<>();
    synchronized (this) {
      for (var e : bucket(bucket).tailMap(prefix).entrySet()) {
        if (!e.getKey().startsWith(prefix)) {
          break;
        }
        Stored s = e.getValue().get(e.getValue().size() - 1);
        infos.add(new ObjectInfo(e.getKey(), s.bytes().length,
            "\"" + Digests.hex(Digests.md5().digest(s.bytes())) + "\"", s.time()));
      }
    }
    infos.forEach(each);
  }

  @Override
  public synchronized PutResult put(String bucket, String key, Body body, ObjectAttributes attributes) {
    byte[] bytes = Arrays.copyOfRange(body.array(), body.offset(), body.offset() + body.length());
    check(body, bytes);
    return store(bucket, key, bytes, attributes.metadata());
  }

  private static void check(Body body, byte[] bytes) {
    if (body.sha256() != null && !Arrays.equals(body.sha256(), Digests.sha256().digest(bytes))) {
      throw new StorageException(StorageException.Kind.CLIENT, "BadDigest", null);
    }
    if (body.crc32c() != null && !Arrays.equals(body.crc32c(), Body.crc32c(bytes, 0, bytes.length))) {
      throw new StorageException(StorageException.Kind.CLIENT, "BadDigest", null);
    }
  }

  @Override
  public MultipartUpload startMultipart(String bucket, String key, ObjectAttributes attributes) {
    Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
    return new MultipartUpload() {
      @Override
      public void uploadPart(int number, Body body) {
        if (body.crc32c() == null) {
          throw new IllegalArgumentException("part " + number + " has no CRC32C");
        }
        byte[] bytes = Arrays.copyOfRange(body.array(), body.offset(), body.offset() + body.length());
        check(body, bytes);
        parts.put(number, bytes);
      }

      @Override
      public PutResult complete(int partCount) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 1; i <= partCount; i++) {
          all.writeBytes(parts.get(i));
        }
        synchronized (InMemoryObjectStore.this) {
          return store(bucket, key, all.toByteArray(), attributes.metadata());
        }
      }

      @Override
      public void abort() {
        parts.clear();
      }
    };
  }

  @Override
  public InputStream get(String bucket, String key, String versionId) {
    return new ByteArrayInputStream(find(bucket, key, versionId).bytes());
  }

  @Override
  public Download open(String bucket, String key, String versionId) {
    Stored s = find(bucket, key, versionId);
    return new Download(new ByteArrayInputStream(s.bytes()), s.bytes().length, s.metadata(), s.time());
  }

  @Override
  public Map<String, String> head(String bucket, String key) {
    return find(bucket, key, null).metadata();
  }

  @Override
  public InputStream getRange(String bucket, String key, String versionId, long from, long length) {
    byte[] b = find(bucket, key, versionId).bytes();
    return new ByteArrayInputStream(b, (int) from, (int) Math.min(length, b.length - from));
  }

  @Override
  public synchronized List<ObjectProblem> delete(String bucket, List<String> keys) {
    for (String k : keys) {
      List<Stored> gone = bucket(bucket).remove(k);
      if (versioned && gone != null) {
        // like a delete marker: hidden from listings, every version still readable by id
        deletedVersions.computeIfAbsent(bucket + "/" + k, x -> new ArrayList<>()).addAll(gone);
      }
    }
    return List.of();
  }

  @Override
  public List<PendingUpload> pendingUploads(String bucket, String prefix) {
    return List.of();
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {}

  @Override
  public void close() {}
}
