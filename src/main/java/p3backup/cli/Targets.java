package p3backup.cli;

import p3backup.paths.Target;

/** TARGET arguments, checked before any request (exit 2 when bad). */
final class Targets {
  private Targets() {}

  static Target parse(String text) {
    try {
      return Target.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static String prefix(String keyPrefix) {
    return keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
  }

  static String url(String bucket, String keyPrefix) {
    return "s3://" + bucket + (keyPrefix.isEmpty() ? "" : "/" + prefix(keyPrefix));
  }
}
