package p3backup.paths;

import java.util.Objects;

/**
 * Where a backup lives: a bucket and a key prefix inside it. The prefix is {@code ""} or
 * slash-separated segments with no leading, trailing or doubled slash and no {@code .} or
 * {@code ..} segment.
 */
public record Target(String bucket, String prefix) {
  private static final String SCHEME = "s3://";

  /**
   * @throws IllegalArgumentException if the bucket name is invalid or the prefix not normalised
   */
  public Target {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    BucketNames.problem(bucket).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    checkPrefix(prefix);
  }

  /**
   * Parses {@code bucket}, {@code bucket/prefix/more} or {@code s3://bucket/prefix}; trailing
   * slashes are dropped.
   *
   * @throws IllegalArgumentException with a one-line message saying what is wrong and what to do
   */
  public static Target parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "the target is empty: give a bucket, e.g. \"my-backups\" or \"s3://my-backups/photos\"");
    }
    String rest = text;
    if (rest.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      rest = rest.substring(SCHEME.length());
    } else {
      int scheme = rest.indexOf("://");
      if (scheme >= 0 && rest.indexOf('/') > scheme) {
        throw new IllegalArgumentException("unsupported target " + BucketNames.quote(text)
            + ": only s3:// URLs are supported; use s3://bucket/prefix or bucket/prefix");
      }
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("the target " + BucketNames.quote(text)
          + " names no bucket: write it as bucket/prefix or s3://bucket/prefix");
    }
    int end = prefix.length();
    while (end > 0 && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return new Target(bucket, prefix.substring(0, end));
  }

  /** The prefix to put before a relative path to make a key: {@code ""} or {@code prefix + "/"}. */
  public String keyPrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** {@code s3://bucket} or {@code s3://bucket/prefix}. */
  @Override
  public String toString() {
    return prefix.isEmpty() ? SCHEME + bucket : SCHEME + bucket + "/" + prefix;
  }

  private static void checkPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return;
    }
    String quoted = BucketNames.quote(prefix);
    if (prefix.startsWith("/")) {
      throw new IllegalArgumentException("invalid prefix " + quoted
          + ": it starts with '/'; write bucket/prefix with a single '/'");
    }
    if (prefix.endsWith("/")) {
      throw new IllegalArgumentException("invalid prefix " + quoted
          + ": it ends with '/'; drop the trailing '/'");
    }
    if (prefix.contains("//")) {
      throw new IllegalArgumentException("invalid prefix " + quoted
          + ": it has an empty segment; write a single '/' between its parts");
    }
    for (String segment : prefix.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("invalid prefix " + quoted + ": a segment \""
            + segment + "\" means a directory step to S3 tools; name the folder instead");
      }
    }
    KeyMapper.keyProblem(prefix + "/").ifPresent(p -> {
      throw new IllegalArgumentException("invalid prefix " + quoted + ": " + p);
    });
  }
}
