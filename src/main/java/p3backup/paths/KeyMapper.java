package p3backup.paths;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps local paths to slash paths relative to the backup root, and those to S3 object keys:
 * {@code /} between components on every OS and file system, names kept exactly as the file
 * system gives them (no Unicode normalisation, a backslash in a Linux name stays a backslash).
 */
public final class KeyMapper {
  /** The longest key S3 accepts, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private KeyMapper() {}

  /**
   * The path of {@code file} relative to {@code root}, components joined by {@code /}, e.g.
   * {@code a/b c/d.txt}.
   *
   * @throws IllegalArgumentException if {@code file} is not strictly under {@code root} (other
   *     file system, elsewhere, the root itself) or has a {@code .} or {@code ..} component
   *     below it
   */
  public static String relativePath(Path root, Path file) {
    int start = root.getNameCount();
    int end = file.getNameCount();
    if (!file.startsWith(root) || end <= start) {
      throw new IllegalArgumentException(file + " is not inside " + root);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = start; i < end; i++) {
      String name = file.getName(i).toString();
      if (name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException(file + " is not a normalised path under " + root);
      }
      if (i > start) {
        sb.append('/');
      }
      sb.append(name);
    }
    return sb.toString();
  }

  /**
   * The object key for a relative path: {@code keyPrefix + relPath}, plus a trailing {@code /}
   * for a directory.
   *
   * @param keyPrefix {@code ""} or a prefix ending in {@code /} (see {@link Target#keyPrefix()})
   * @throws IllegalArgumentException if {@code keyPrefix} or {@code relPath} is malformed
   */
  public static String objectKey(String keyPrefix, String relPath, boolean directory) {
    if (!keyPrefix.isEmpty() && !keyPrefix.endsWith("/")) {
      throw new IllegalArgumentException("key prefix must be empty or end with '/': " + keyPrefix);
    }
    if (relPath.isEmpty() || relPath.startsWith("/") || relPath.endsWith("/")) {
      throw new IllegalArgumentException("not a relative slash path: \"" + relPath + "\"");
    }
    return directory ? keyPrefix + relPath + "/" : keyPrefix + relPath;
  }

  /**
   * Why S3 cannot store an object under this key, as a short message; empty if it can. Checks
   * for NUL, unpaired UTF-16 surrogates (not encodable as UTF-8) and the 1024-byte limit.
   */
  public static Optional<String> keyProblem(String key) {
    if (key.isEmpty()) {
      return Optional.of("the object key is empty");
    }
    long bytes = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == 0) {
        return Optional.of("the name contains a NUL character, which S3 keys cannot hold");
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < key.length()
          && Character.isLowSurrogate(key.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of(String.format(Locale.ROOT,
            "the name contains an unpaired UTF-16 surrogate (U+%04X), which is not valid"
                + " Unicode and S3 keys cannot hold", (int) c));
      } else {
        bytes += 3;
      }
    }
    if (bytes > MAX_KEY_BYTES) {
      return Optional.of("the object key is " + bytes + " bytes long in UTF-8; S3 allows at most "
          + MAX_KEY_BYTES + ": shorten the path or the prefix");
    }
    return Optional.empty();
  }
}
