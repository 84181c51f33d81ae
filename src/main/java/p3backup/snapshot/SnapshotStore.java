package p3backup.snapshot;

import java.io.IOException;
import java.io.InputStream;
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

/**
 * The snapshots under a target: one gzip manifest object each at {@code
 * [prefix/].p3backup/snapshots/ID.jsonl.gz}. Saving a manifest is a backup's commit point.
 */
public final class SnapshotStore {
  public static final String DIR = ".p3backup/";
  private static final String SNAPSHOTS = DIR + "snapshots/";
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
    List<SnapshotRef> refs = new ArrayList<>();
    String prefix = keyPrefix + SNAPSHOTS;
    store.list(bucket, prefix, o -> {
      String name = o.key().substring(prefix.length());
      if (name.endsWith(SUFFIX) && !name.contains("/")) {
        String id = name.substring(0, name.length() - SUFFIX.length());
        SnapshotId.parse(id).ifPresent(t -> refs.add(new SnapshotRef(id, o.key(), t)));
      }
    });
    refs.sort(Comparator.comparing(SnapshotRef::id));
    return refs;
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

  public Manifest load(SnapshotRef ref) {
    try (InputStream in = store.get(bucket, ref.key(), null)) {
      return ManifestCodec.decode(in, "snapshot " + ref.id());
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot " + ref.id() + ": " + e.getMessage(), e);
    }
  }

  /** Uploads the manifest; call it last, once every object it lists has landed. */
  public PutResult save(Manifest manifest) {
    byte[] bytes = ManifestCodec.encode(manifest);
    byte[] sha;
    try {
      sha = MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ObjectAttributes attributes = new ObjectAttributes("application/gzip", Map.of(
        "files", Long.toString(manifest.files()), "bytes", Long.toString(manifest.bytes())),
        null, null, null);
    return store.put(bucket, keyPrefix + SNAPSHOTS + manifest.id() + SUFFIX,
        new Body(bytes, 0, bytes.length, sha, null), attributes);
  }
}
