package p3backup.storage;

import java.io.ByteArrayInputStream;
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
 * every version of every object, with delete markers, as a versioned S3 bucket does (or only the
 * current object, as an unversioned one), and checks upload digests as S3 does. An unversioned
 * store lists versions as a server without version listing does: current objects, version id
 * null. A test can see each delete request before it runs ({@link #beforeDelete}), to refuse
 * keys or to stop the run there.
 */
public final class InMemoryObjectStore implements ObjectStore {
  /** One stored version, or a delete marker. */
  public record Stored(byte[] bytes, Map<String, String> metadata, String versionId, Instant time,
      boolean deleteMarker) {}

  /** Sees each delete request (the keys) before it runs; returns the keys to refuse. */
  public interface DeleteHook {
    List<String> before(List<String> keys);
  }

  private final Map<String, TreeMap<String, List<Stored>>> buckets = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final boolean versioned;
  private volatile DeleteHook deleteHook = keys -> List.of();

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

  /** The keys of the current objects (not hidden by a delete marker). */
  public synchronized List<String> keys(String bucket) {
    List<String> keys = new ArrayList<>();
    bucket(bucket).forEach((k, all) -> {
      if (!all.get(all.size() - 1).deleteMarker()) {
        keys.add(k);
      }
    });
    return keys;
  }

  /** Every version and delete marker, as "key@versionId" ("key@marker:versionId" for markers). */
  public synchronized List<String> versions(String bucket) {
    List<String> out = new ArrayList<>();
    bucket(bucket).forEach((k, all) -> {
      for (Stored s : all) {
        out.add(k + "@" + (s.deleteMarker() ? "marker:" : "") + s.versionId());
      }
    });
    return out;
  }

  /** Total bytes of every version stored. */
  public synchronized long storedBytes(String bucket) {
    long n = 0;
    for (List<Stored> all : bucket(bucket).values()) {
      for (Stored s : all) {
        n += s.bytes().length;
      }
    }
    return n;
  }

  public void beforeDelete(DeleteHook hook) {
    this.deleteHook = hook;
  }

  public synchronized byte[] bytes(String bucket, String key) {
    return current(bucket, key).bytes();
  }

  private Stored current(String bucket, String key) {
    List<Stored> all = bucket(bucket).get(key);
    if (all == null || all.isEmpty() || all.get(all.size() - 1).deleteMarker()) {
      throw new StorageException(StorageException.Kind.NOT_FOUND, key + ": not found", null);
    }
    return all.get(all.size() - 1);
  }

  private synchronized Stored find(String bucket, String key, String versionId) {
    if (versionId == null) {
      return current(bucket, key);
    }
    for (Stored s : bucket(bucket).getOrDefault(key, List.of())) {
      if (versionId.equals(s.versionId()) && !s.deleteMarker()) {
        return s;
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
    list.add(new Stored(bytes, Map.copyOf(metadata), v, Instant.now(), false));
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
  public void list(String bucket, String prefix, boolean shallow, Consumer<ObjectInfo> each) {
    List<ObjectInfo> infos = new ArrayList<>();
    synchronized (this) {
      for (var e : bucket(bucket).tailMap(prefix).entrySet()) {
        if (!e.getKey().startsWith(prefix)) {
          break;
        }
        if (shallow && e.getKey().indexOf('/', prefix.length()) >= 0) {
          continue;
        }
        Stored s = e.getValue().get(e.getValue().size() - 1);
        if (s.deleteMarker()) {
          continue;
        }
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
        // Joined into one array of the exact size, each part let go once copied: tests that
        // bound the heap (BoundedMemoryTest) hold this store's objects in it too.
        long total = 0;
        for (int i = 1; i <= partCount; i++) {
          total += parts.get(i).length;
        }
        byte[] all = new byte[Math.toIntExact(total)];
        int at = 0;
        for (int i = 1; i <= partCount; i++) {
          byte[] part = parts.remove(i);
          System.arraycopy(part, 0, all, at, part.length);
          at += part.length;
        }
        synchronized (InMemoryObjectStore.this) {
          return store(bucket, key, all, attributes.metadata());
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
  public List<ObjectProblem> delete(String bucket, List<String> keys) {
    List<String> refused = deleteHook.before(keys);
    List<ObjectProblem> problems = new ArrayList<>();
    synchronized (this) {
      for (String k : keys) {
        if (refused.contains(k)) {
          problems.add(new ObjectProblem(k, "AccessDenied"));
        } else if (versioned) {
          // a delete marker hides the object; every version stays readable by its id
          bucket(bucket).computeIfAbsent(k, x -> new ArrayList<>()).add(new Stored(new byte[0],
              Map.of(), "v" + versions.incrementAndGet(), Instant.now(), true));
        } else {
          bucket(bucket).remove(k);
        }
      }
    }
    return problems;
  }

  @Override
  public void listVersions(String bucket, String prefix, boolean shallow,
      Consumer<ObjectVersion> each) {
    List<ObjectVersion> out = new ArrayList<>();
    synchronized (this) {
      for (var e : bucket(bucket).tailMap(prefix).entrySet()) {
        if (!e.getKey().startsWith(prefix)) {
          break;
        }
        if (shallow && e.getKey().indexOf('/', prefix.length()) >= 0) {
          continue;
        }
        List<Stored> all = e.getValue();
        for (int i = all.size() - 1; i >= 0; i--) {
          Stored s = all.get(i);
          out.add(new ObjectVersion(e.getKey(), s.versionId(), s.bytes().length, s.time(),
              i == all.size() - 1, s.deleteMarker()));
        }
      }
    }
    out.forEach(each);
  }

  @Override
  public List<VersionProblem> deleteVersions(String bucket, List<VersionRef> refs) {
    if (refs.size() > DELETE_BATCH) {
      throw new IllegalArgumentException(refs.size() + " keys in one delete request");
    }
    List<String> refused = deleteHook.before(refs.stream().map(VersionRef::key).toList());
    List<VersionProblem> problems = new ArrayList<>();
    synchronized (this) {
      for (VersionRef r : refs) {
        if (refused.contains(r.key())) {
          problems.add(new VersionProblem(r, "AccessDenied"));
          continue;
        }
        if (r.versionId() == null && versioned) {
          throw new IllegalStateException(r.key() + ": a delete without a version id would add a"
              + " delete marker on a versioned bucket");
        }
        List<Stored> all = bucket(bucket).get(r.key());
        if (all == null) {
          continue; // already gone: deleted as far as S3 says
        }
        all.removeIf(s -> java.util.Objects.equals(s.versionId(), r.versionId()));
        if (all.isEmpty()) {
          bucket(bucket).remove(r.key());
        }
      }
    }
    return problems;
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
