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
import p3backup.storage.ObjectInfo;
import p3backup.storage.ObjectStore;
import p3backup.storage.PutResult;
import p3backup.storage.Retries;

/**
 * The snapshots under a target: one gzip manifest object each at {@code
 * [prefix/].p3backup/snapshots/ID.jsonl.gz}. Saving a manifest is a backup's commit point.
 *
 * <p>A backup under way also keeps a journal: append-only segments at {@code
 * [prefix/].p3backup/runs/ID/SEQ.jsonl.gz} (SEQ a zero-padded count from 0), each in the same
 * format, listing the files that landed since the segment before. One goes up every second while
 * files land, and at least every half minute (its heartbeat: the newest segment's LastModified
 * says the run lives, its metadata who runs it); all are deleted after the snapshot is saved.
 * The segments left behind are a run that died; the next run takes over what they list. A
 * journal of one object at {@code runs/ID.jsonl.gz}, as versions before segments wrote it, is
 * read likewise, as the run's first segment.
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

  /**
   * Manifests up to this size go up in one request; larger ones in parts of this size, S3's
   * smallest. The URL connection client copies a request's body into memory before sending it
   * (the JDK connection under it is set to no streaming mode), growing the copy as it goes, so a commit
   * holds about three times a part: some 15 MiB at any number of files (16 MiB parts took 30 MiB
   * more at 1,000,000 files).
   */
  static final int SINGLE_UPLOAD = 5 << 20;

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

  /**
   * A run's journal: its id; the key of its newest object (for a backup, its newest segment: whose
   * metadata names the run's owner); when it was last written (its heartbeat: the newest
   * LastModified of its objects); and the keys of all its objects (for a backup, its segments in
   * order, an old single-object journal first; for a forget, its one key).
   */
  public record RunRef(String id, String key, java.time.Instant lastWritten, List<String> keys) {
    public RunRef {
      keys = List.copyOf(keys);
    }

    /** A journal of one object. */
    public RunRef(String id, String key, java.time.Instant lastWritten) {
      this(id, key, lastWritten, List.of(key));
    }
  }

  /** A backup's journal objects, by id, as the listing finds them. */
  private static final class RunParts {
    final java.util.TreeMap<Long, String> keys = new java.util.TreeMap<>();
    Instant last;

    void add(long seq, ObjectInfo o) {
      keys.put(seq, o.key());
      if (o.lastModified() != null && (last == null || o.lastModified().isAfter(last))) {
        last = o.lastModified();
      }
    }
  }

  /** Snapshots and run journals, with one listing of p3backup's folder. */
  public Listing listAll() {
    List<SnapshotRef> refs = new ArrayList<>();
    List<RunRef> runs = new ArrayList<>();
    List<RunRef> forgets = new ArrayList<>();
    Map<String, RunParts> parts = new java.util.HashMap<>();
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
      if (in.equals("runs/") && name.indexOf('/') > 0) {
        // A segment: runs/ID/SEQ.jsonl.gz.
        String id = name.substring(0, name.indexOf('/'));
        String seq = name.substring(id.length() + 1);
        if (seq.endsWith(SUFFIX) && seq.length() > SUFFIX.length()
            && seq.substring(0, seq.length() - SUFFIX.length()).chars().allMatch(c -> c >= '0' && c <= '9')
            && seq.length() - SUFFIX.length() <= 18 && SnapshotId.parse(id).isPresent()) {
          parts.computeIfAbsent(id, k -> new RunParts())
              .add(Long.parseLong(seq.substring(0, seq.length() - SUFFIX.length())), o);
        }
        return;
      }
      if (name.endsWith(SUFFIX) && !name.contains("/")) {
        String id = name.substring(0, name.length() - SUFFIX.length());
        SnapshotId.parse(id).ifPresent(t -> {
          switch (in) {
            case "runs/" -> parts.computeIfAbsent(id, k -> new RunParts()).add(-1, o);
            case "forgets/" -> forgets.add(new RunRef(id, o.key(), o.lastModified()));
            default -> refs.add(new SnapshotRef(id, o.key(), t, o.etag(), o.size()));
          }
        });
      }
    });
    parts.forEach((id, p) -> runs.add(new RunRef(id, p.keys.lastEntry().getValue(), p.last,
        new ArrayList<>(p.keys.values()))));
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

  /**
   * Writes one segment of a run's journal (the entries that landed since the segment before);
   * {@code who} goes in its metadata. Writing the same segment again replaces it.
   */
  public void saveRunSegment(Manifest segment, long seq, Map<String, String> who) {
    put(runSegmentKey(segment.id(), seq), segment, who);
  }

  /** The key of segment {@code seq} of run {@code id}'s journal. */
  public String runSegmentKey(String id, long seq) {
    return keyPrefix + RUNS + id + "/" + String.format("%08d", seq) + SUFFIX;
  }

  /** The key of a run's journal as one object, as versions before segments wrote it. */
  public String legacyRunKey(String id) {
    return keyPrefix + RUNS + id + SUFFIX;
  }

  /** How many segments of a journal are read at once. */
  private static final int PARALLEL_READS = 8;

  /**
   * Reads a run's journal: all its segments (as the listing found them), their entries by path,
   * a later segment's over an earlier one's, in path order. A segment gone since the listing is
   * passed over (the run finished and is deleting them; some servers, S3Mock among them, also
   * list a key whose latest version is a delete marker); empty when all are gone. Holds the whole
   * journal: for forget, which holds whole manifests too; a backup streams it ({@link #readRun}).
   */
  public Optional<Manifest> loadRun(RunRef ref) {
    Map<String, ManifestEntry> entries = new java.util.TreeMap<>();
    Optional<Instant> time = readRun(ref, e -> entries.put(e.path(), e));
    return time.map(t -> new Manifest(ref.id(), t, new ArrayList<>(entries.values())));
  }

  /**
   * Hands on a run's journal entries segment by segment, in the order the segments were written
   * (so in about the order the files landed), {@link #PARALLEL_READS} segments fetched at once
   * and only those held. Returns the time of the last segment found; empty when all are gone
   * (see {@link #loadRun}).
   */
  public Optional<Instant> readRun(RunRef ref, java.util.function.Consumer<ManifestEntry> each) {
    List<String> keys = ref.keys();
    Instant time = null;
    if (keys.size() <= 1) {
      for (String k : keys) {
        Optional<Manifest> m = readJournal(k, "journal of run " + ref.id());
        if (m.isPresent()) {
          m.get().entries().forEach(each);
          time = m.get().time();
        }
      }
      return Optional.ofNullable(time);
    }
    java.util.concurrent.ExecutorService pool = p3backup.work.Workers.pool(
        "p3backup-journal-read", Math.min(PARALLEL_READS, keys.size()));
    try {
      java.util.ArrayDeque<java.util.concurrent.Future<Optional<Manifest>>> window =
          new java.util.ArrayDeque<>();
      int next = 0;
      while (next < keys.size() || !window.isEmpty()) {
        while (next < keys.size() && window.size() < PARALLEL_READS) {
          String k = keys.get(next++);
          window.add(pool.submit(() -> readJournal(k, "journal of run " + ref.id() + " ("
              + k.substring(k.lastIndexOf('/') + 1) + ")")));
        }
        Optional<Manifest> m = window.poll().get();
        if (m.isPresent()) {
          m.get().entries().forEach(each);
          time = m.get().time();
        }
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException("journal of run " + ref.id() + ": interrupted",
          new java.io.InterruptedIOException());
    } finally {
      pool.shutdownNow();
    }
    return Optional.ofNullable(time);
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

  /** Who wrote a run's journal (host, pid), from the metadata of its newest object. */
  public Map<String, String> runOwner(RunRef ref) {
    return store.head(bucket, ref.key());
  }

  /**
   * Deletes run journals, every object of each (DeleteObjects, up to {@link
   * ObjectStore#DELETE_BATCH} keys a request); a failure only leaves them to the next run.
   */
  public List<ObjectStore.ObjectProblem> deleteRuns(List<RunRef> runs) {
    List<String> keys = new ArrayList<>();
    runs.forEach(r -> keys.addAll(r.keys()));
    List<ObjectStore.ObjectProblem> problems = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += ObjectStore.DELETE_BATCH) {
      problems.addAll(store.delete(bucket, keys.subList(i, Math.min(keys.size(), i + ObjectStore.DELETE_BATCH))));
    }
    return problems;
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
