package p3backup.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A local copy of the latest manifest of each target, so that a rerun reads it from disk instead
 * of downloading it. A copy is found by target (bucket and prefix), snapshot id and the
 * object's ETag (or version id) as the listing shows them, so a manifest replaced or rewritten
 * in the bucket is never matched by an old copy. A copy is also checked before use, its size
 * against the listing's and its bytes against the CRC-32C its name records from when it was
 * kept (a pass over the compressed file, a tenth of the time inflating it takes); one that fails
 * is deleted and ignored. The reader still checks every gzip member's CRC as it inflates. Only
 * the newest snapshot's copy is kept per target.
 */
public final class ManifestCache {
  private static final String SUFFIX = ".jsonl.gz";
  private final Path root;

  /** A cache under {@code root} (created as needed). */
  public ManifestCache(Path root) {
    this.root = root;
  }

  /** The folder for temporary files: on the cache's file system, so that a finished one moves in. */
  public Path temporaryFolder() throws IOException {
    Path tmp = root.resolve("tmp");
    Files.createDirectories(tmp);
    return tmp;
  }

  /** A checked copy of the manifest the listing shows as {@code ref}; empty when there is none. */
  public Optional<Path> find(String bucket, String keyPrefix, SnapshotRef ref) {
    String tag = tag(ref.etag(), null);
    if (tag == null) {
      return Optional.empty();
    }
    Path dir = folder(bucket, keyPrefix);
    String start = ref.id() + "." + tag + ".";
    Path file = null;
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (n.startsWith(start) && Files.isRegularFile(f)) {
          file = f;
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (file == null) {
      return Optional.empty();
    }
    try {
      String n = file.getFileName().toString();
      String recorded = n.substring(start.length(), n.length() - SUFFIX.length());
      if (ref.size() >= 0 && Files.size(file) != ref.size()) {
        throw new IOException("size differs");
      }
      if (!recorded.equals(crc32c(file))) {
        throw new IOException("CRC-32C differs");
      }
      return Optional.of(file);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a copy that can't be deleted is matched again and checked again
      }
      return Optional.empty();
    }
  }

  /** The CRC-32C of a file's bytes, as 8 hex digits. */
  static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) >= 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
  }

  /**
   * Moves {@code file}, a manifest just written or downloaded, into the cache as the copy of
   * snapshot {@code id} with this ETag (or version id), and drops the target's older copies.
   * Returns where it now is; empty when it is not kept (no tag, a newer snapshot's copy is
   * already there, or the cache can't be written), and then the file is left where it was.
   * Never fails: a cache that can't be written only means a download next time.
   */
  public Optional<Path> keep(String bucket, String keyPrefix, String id, String etag,
      String versionId, Path file) {
    String tag = tag(etag, versionId);
    try {
      if (tag == null) {
        return Optional.empty();
      }
      Path dir = folder(bucket, keyPrefix);
      Files.createDirectories(dir);
      String newest = null;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path f : files) {
          String other = f.getFileName().toString();
          if (newest == null || other.compareTo(newest) > 0) {
            newest = other;
          }
        }
      }
      if (newest != null && newest.compareTo(id + ".") > 0 && !newest.startsWith(id + ".")) {
        return Optional.empty();
      }
      String name = id + "." + tag + "." + crc32c(file) + SUFFIX;
      Path target = dir.resolve(name);
      try {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path f : files) {
          if (!f.getFileName().toString().equals(name)) {
            Files.deleteIfExists(f);
          }
        }
      }
      return Optional.of(target);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Path folder(String bucket, String keyPrefix) {
    return root.resolve("manifests").resolve(hex(bucket + "\n" + keyPrefix).substring(0, 24));
  }

  /** The ETag without its quotes, or the version id, as a file-name-safe hash; null if neither. */
  private static String tag(String etag, String versionId) {
    String t = etag != null && !etag.isEmpty() ? "e" + etag.replace("\"", "")
        : versionId != null ? "v" + versionId : null;
    return t == null ? null : hex(t).substring(0, 32);
  }

  private static String hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
