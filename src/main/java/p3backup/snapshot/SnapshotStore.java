package p3backup.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import p3backup.storage.Body;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectStore;
import p3backup.storage.PutResult;
import p3backup.storage.Retries;

/**
 * The snapshots under a target: one gzip manifest object each at {@code
 * [prefix/].p3backup/snapshots/ID.jsonl.gz}. Saving a manifest is a backup's commit point.
 *
 * <p>A backup under way also keeps a journal at {@code [prefix/].p3backup/runs/ID.jsonl.gz}:
 * the same format, listing the files it has uploaded so far, rewritten every half minute (its
 * heartbeat) and deleted after the snapshot is saved. A journal left behind is a run that died;
 * the next run takes over what it uploaded.
 *
 * <p>A forget under way keeps its journal at {@code [prefix/].p3backup/forgets/ID.jsonl.gz}: the
 * same format, listing the object versions it is about to delete, written before it deletes
 * anything and rewritten as its heartbeat. A journal left behind is a forget that died; the
 * next forget finishes its deletes.
 */
public final class SnapshotStore {
  public static final String DIR = ".p3backup/";
  private static final String SNAPSHOTS = DIR + "snapshots/";
  private static final String RUNS = DIR + "runs/";
  private static final String FORGETS = DIR + "forgets/";
  private static final String SUFFIX = ".jsonl.gz";

  /** Manifests up to this size go up in one request; larger ones in parts of this size. */
  static final int SINGLE_UPLOAD = 16 << 20;

  private final ObjectStore store;
  private final String bucket;
  private final String keyPrefix;
  private final ManifestCache cache;

  public SnapshotStore(ObjectStore store, String bucket, String keyPrefix) {
    this(store, bucket, keyPrefix, null);
  }

  /** A store that keeps the latest manifest in {@code cache} (none when null). */
  public SnapshotStore(ObjectStore store, String bucket, String keyPrefix, ManifestCache cache) {
    this.store = store;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
    this.cache = cache;
  }

  /** The key prefix under which p3backup keeps its own objects for this target. */
  public String reservedPrefix() {
    return keyPrefix + DIR;
  }

  /** Every snapshot under the target, oldest first (one listing). */
  public List<SnapshotRef> list() {
    return listAll().snapshots();
  }

  /** The snapshots (oldest first) and the journals of backups and forgets under way or dead. */
  public record Listing(List<SnapshotRef> snapshots, List<RunRef> runs, List<RunRef> forgets) {}

  /** A run's journal: its id, key, and when it was last written (its heartbeat). */
  public record RunRef(String id, String key, java.time.Instant lastWritten) {}

  /** Snapshots and run journals, with one listing of p3backup's folder. */
  public Listing listAll() {
    List<SnapshotRef> refs = new ArrayList<>();
    List<RunRef> runs = new ArrayList<>();
    List<RunRef> forgets = new ArrayList<>();
    String prefix = keyPrefix + DIR;
    store.list(bucket, prefix, o -> {
      String rest = o.key().substring(prefix.length());
      String folder = null;
      for (String f : List.of("snapshots/", "runs/", "forgets/")) {
        if (rest.startsWith(f)) {
          folder = f;
        }
      }
      if (folder == null) {
        return;
      }
      String in = folder;
      String name = rest.substring(in.length());
      if (name.endsWith(SUFFIX) && !name.contains("/")) {
        String id = name.substring(0, name.length() - SUFFIX.length());
        SnapshotId.parse(id).ifPresent(t -> {
          switch (in) {
            case "runs/" -> runs.add(new RunRef(id, o.key(), o.lastModified()));
            case "forgets/" -> forgets.add(new RunRef(id, o.key(), o.lastModified()));
            default -> refs.add(new SnapshotRef(id, o.key(), t, o.etag(), o.size()));
          }
        });
      }
    });
    refs.sort(Comparator.comparing(SnapshotRef::id));
    runs.sort(Comparator.comparing(RunRef::id));
    forgets.sort(Comparator.comparing(RunRef::id));
    return new Listing(refs, runs, forgets);
  }

  /** Writes (or rewrites) a forget's journal; {@code who} goes in its metadata. */
  public void saveForget(Manifest journal, Map<String, String> who) {
    put(forgetKey(journal.id()), journal, who);
  }

  /** Reads a forget's journal. */
  /** Reads a forget's journal; empty when it is gone since the listing (that forget finished). */
  public Optional<Manifest> loadForget(RunRef ref) {
    return readJournal(ref.key(), "journal of forget " + ref.id());
  }

  public String forgetKey(String id) {
    return keyPrefix + FORGETS + id + SUFFIX;
  }

  /** The key prefix of the backups' journals. */
  public String runsPrefix() {
    return keyPrefix + RUNS;
  }

  /** The key prefix of the forgets' journals. */
  public String forgetsPrefix() {
    return keyPrefix + FORGETS;
  }

  /** Writes (or rewrites) a run's journal; {@code who} goes in its metadata. */
  public void saveRun(Manifest journal, Map<String, String> who) {
    put(keyPrefix + RUNS + journal.id() + SUFFIX, journal, who);
  }

  /** Reads a run's journal. */
  /**
   * Reads a run's journal; empty when it is gone since the listing: the run finished and deleted
   * it (some servers, S3Mock among them, also list a key whose latest version is a delete marker).
   */
  public Optional<Manifest> loadRun(RunRef ref) {
    return readJournal(ref.key(), "journal of run " + ref.id());
  }

  private Optional<Manifest> readJournal(String key, String name) {
    try {
      return Optional.of(read(key, name));
    } catch (p3backup.storage.StorageException e) {
      if (e.kind() == p3backup.storage.StorageException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Who wrote a run's journal (host, pid), from its metadata. */
  public Map<String, String> runOwner(RunRef ref) {
    return store.head(bucket, ref.key());
  }

  /** Deletes run journals; a failure only leaves them to the next run. */
  public List<ObjectStore.ObjectProblem> deleteRuns(List<RunRef> runs) {
    if (runs.isEmpty()) {
      return List.of();
    }
    return store.delete(bucket, runs.stream().map(RunRef::key).toList());
  }

  public String runKey(String id) {
    return keyPrefix + RUNS + id + SUFFIX;
  }

  public Optional<SnapshotRef> latestRef() {
    List<SnapshotRef> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The snapshot named by {@code id} (exactly, or by a prefix only one id has), or by
   * {@code "latest"}; empty when there is none such. Throws IllegalArgumentException when a
   * prefix names several.
   */
  public Optional<SnapshotRef> find(List<SnapshotRef> all, String id) {
    if (id == null || id.equals("latest")) {
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
    List<SnapshotRef> matches = all.stream().filter(r -> r.id().startsWith(id)).toList();
    for (SnapshotRef r : matches) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException("snapshot \"" + id + "\" is ambiguous: it begins "
          + matches.size() + " snapshot ids; give more of the id");
    }
    return matches.stream().findFirst();
  }

  /** Fails (NO_SUCH_BUCKET) unless the target's bucket exists: reading needs one. */
  public void requireBucket() {
    if (store.bucketState(bucket) == p3backup.storage.BucketState.MISSING) {
      throw new p3backup.storage.StorageException(p3backup.storage.StorageException.Kind.NO_SUCH_BUCKET,
          "bucket " + bucket + " does not exist: check the name, --region and --profile", null);
    }
  }

  /** Like {@link #find}, but a snapshot that is not there is a failure (NOT_FOUND) that says so. */
  public SnapshotRef require(List<SnapshotRef> all, String id) {
    return find(all, id).orElseThrow(() -> new p3backup.storage.StorageException(
        p3backup.storage.StorageException.Kind.NOT_FOUND, all.isEmpty()
            ? "no p3backup snapshot under this target"
            : "no snapshot \"" + id + "\" under this target: list them with p3backup snapshots", null));
  }

  /** Reads a whole snapshot into memory; {@link #open} reads one entry at a time. */
  public Manifest load(SnapshotRef ref) {
    try (ManifestReader r = open(ref)) {
      List<ManifestEntry> entries = new ArrayList<>();
      for (ManifestEntry e; (e = r.next()) != null; ) {
        entries.add(e);
      }
      return new Manifest(r.id(), r.time(), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot " + ref.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a snapshot's manifest to be read entry by entry, from a local copy: the cached one when
   * it matches the listing, otherwise downloaded first (again from the start when the connection
   * breaks) to a local file that the cache keeps or the reader deletes when closed.
   */
  public ManifestReader open(SnapshotRef ref) {
    return open(ref, true);
  }

  /**
   * Like {@link #open(SnapshotRef)}; {@code ordered} false leaves entries out of path order to
   * the caller (a restore names each) instead of refusing the manifest at the first one.
   */
  public ManifestReader open(SnapshotRef ref, boolean ordered) {
    String name = "snapshot " + ref.id();
    Path cached = cache == null ? null : cache.find(bucket, keyPrefix, ref).orElse(null);
    if (cached != null) {
      try {
        ManifestReader r = ManifestReader.open(Files.newInputStream(cached), name, ordered);
        if (r.id().equals(ref.id())) {
          return r;
        }
        r.close();
      } catch (IOException | ManifestException e) {
        // a copy that does not read is no copy: download the manifest
      }
      deleteQuietly(cached);
    }
    Path file = download(ref.key(), name);
    try {
      Path kept = cache == null ? null
          : cache.keep(bucket, keyPrefix, ref.id(), ref.etag(), null, file).orElse(null);
      if (kept != null) {
        file = null;
        return ManifestReader.open(Files.newInputStream(kept), name, ordered);
      }
      Path temp = file;
      return ManifestReader.open(new java.io.FilterInputStream(Files.newInputStream(temp)) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            Files.deleteIfExists(temp);
          }
        }
      }, name, ordered);
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        deleteQuietly(file);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(name + ": " + e.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Downloads an object to a local temporary file, again from the start when it breaks. */
  private Path download(String key, String name) {
    try {
      Path file = cache == null ? Files.createTempFile("p3backup-manifest", ".jsonl.gz")
          : Files.createTempFile(cache.temporaryFolder(), "p3backup-manifest", ".jsonl.gz");
      try {
        Retries.of(() -> {
          try (p3backup.storage.Download d = store.open(bucket, key, null);
              java.io.OutputStream out = Files.newOutputStream(file)) {
            long n = d.stream().transferTo(out);
            if (d.length() < 0 || n != d.length()) {
              throw new IOException("download ended after " + n + " bytes"); // retried
            }
          }
          return null;
        });
        return file;
      } catch (IOException | InterruptedException | RuntimeException e) {
        deleteQuietly(file);
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(name + ": interrupted", new java.io.InterruptedIOException());
    }
  }

  /** Downloads and decodes a small manifest (a journal) into memory. */
  private Manifest read(String key, String name) {
    Path file = download(key, name);
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return ManifestCodec.decode(in, name);
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(file);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file left behind
    }
  }

  /** A writer for a new manifest, its temporary files beside the cache where there is one. */
  public ManifestWriter newManifest() throws IOException {
    return new ManifestWriter(cache == null ? null : cache.temporaryFolder());
  }

  /** Uploads the manifest; call it last, once every object it lists has landed. */
  public PutResult save(Manifest manifest) {
    try (ManifestWriter w = newManifest()) {
      for (ManifestEntry e : manifest.entries()) {
        w.add(e);
      }
      return save(w, manifest.id(), manifest.time());
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot " + manifest.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Finishes a manifest written entry by entry and uploads it (in parts when large); call it
   * last, once every object it lists has landed. The cache keeps the uploaded file.
   */
  public PutResult save(ManifestWriter writer, String id, Instant time) throws IOException {
    Path file = writer.finish(id, time);
    Map<String, String> metadata = new java.util.HashMap<>();
    metadata.put("files", Long.toString(writer.files()));
    metadata.put("bytes", Long.toString(writer.bytes()));
    ObjectAttributes attributes = new ObjectAttributes("application/gzip", metadata, null, null, null);
    String key = keyPrefix + SNAPSHOTS + id + SUFFIX;
    PutResult result = uploadFile(key, file, attributes);
    if (cache != null && cache.keep(bucket, keyPrefix, id, result.etag(), result.versionId(), file)
        .isPresent()) {
      writer.keep();
    }
    return result;
  }

  private PutResult uploadFile(String key, Path file, ObjectAttributes attributes) throws IOException {
    long size = Files.size(file);
    if (size <= SINGLE_UPLOAD) {
      byte[] bytes = Files.readAllBytes(file);
      return store.put(bucket, key, new Body(bytes, 0, bytes.length, sha256(bytes), null), attributes);
    }
    p3backup.storage.MultipartUpload upload = store.startMultipart(bucket, key, attributes);
    boolean done = false;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[SINGLE_UPLOAD];
      int part = 0;
      while (true) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0) {
          break;
        }
        upload.uploadPart(++part, Body.withCrc32c(buf, 0, n));
      }
      PutResult r = upload.complete(part);
      done = true;
      return r;
    } finally {
      if (!done) {
        upload.abort();
      }
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private PutResult put(String key, Manifest manifest, Map<String, String> extra) {
    byte[] bytes = ManifestCodec.encode(manifest);
    byte[] sha = sha256(bytes);
    Map<String, String> metadata = new java.util.HashMap<>(extra);
    metadata.put("files", Long.toString(manifest.files()));
    metadata.put("bytes", Long.toString(manifest.bytes()));
    ObjectAttributes attributes = new ObjectAttributes("application/gzip", metadata, null, null, null);
    return store.put(bucket, key, new Body(bytes, 0, bytes.length, sha, null), attributes);
  }
}
