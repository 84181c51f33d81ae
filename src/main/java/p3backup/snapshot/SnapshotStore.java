package p3backup.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
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

  private final ObjectStore store;
  private final String bucket;
  private final String keyPrefix;

  public SnapshotStore(ObjectStore store, String bucket, String keyPrefix) {
    this.store = store;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
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
            default -> refs.add(new SnapshotRef(id, o.key(), t));
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

  public Manifest load(SnapshotRef ref) {
    return read(ref.key(), "snapshot " + ref.id());
  }

  /** Downloads and decodes a manifest, again from the start when the connection breaks. */
  private Manifest read(String key, String name) {
    try {
      return Retries.of(() -> {
        byte[] bytes;
        try (p3backup.storage.Download d = store.open(bucket, key, null)) {
          bytes = d.stream().readAllBytes();
          if (d.length() < 0 || bytes.length != d.length()) {
            throw new IOException("download ended after " + bytes.length + " bytes"); // retried
          }
        }
        return ManifestCodec.decode(new java.io.ByteArrayInputStream(bytes), name);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(name + ": interrupted", new java.io.InterruptedIOException());
    }
  }

  /** Uploads the manifest; call it last, once every object it lists has landed. */
  public PutResult save(Manifest manifest) {
    return put(keyPrefix + SNAPSHOTS + manifest.id() + SUFFIX, manifest, Map.of());
  }

  private PutResult put(String key, Manifest manifest, Map<String, String> extra) {
    byte[] bytes = ManifestCodec.encode(manifest);
    byte[] sha;
    try {
      sha = MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> metadata = new java.util.HashMap<>(extra);
    metadata.put("files", Long.toString(manifest.files()));
    metadata.put("bytes", Long.toString(manifest.bytes()));
    ObjectAttributes attributes = new ObjectAttributes("application/gzip", metadata, null, null, null);
    return store.put(bucket, key, new Body(bytes, 0, bytes.length, sha, null), attributes);
  }
}
