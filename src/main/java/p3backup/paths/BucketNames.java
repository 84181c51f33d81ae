package p3backup.paths;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3 general-purpose bucket naming rules, and the default {@code p3backup-MM-dd-yy-HHmmss}
 * names that {@code backup} gives the buckets it creates.
 */
public final class BucketNames {
  private static final Pattern IP_ADDRESS = Pattern.compile("[0-9]+(\\.[0-9]+){3}");
  private static final Pattern DEFAULT_NAME =
      Pattern.compile("p3backup-([0-9]{2})-([0-9]{2})-([0-9]{2})-([0-9]{2})([0-9]{2})([0-9]{2})");
  private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
  private static final List<String> RESERVED_SUFFIXES =
      List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");

  private BucketNames() {}

  /**
   * What is wrong with a bucket name, as a one-line message that says what to do; empty when
   * the name follows the rules for general-purpose buckets.
   */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("the bucket name is empty: name a bucket, e.g. \"my-backups\"");
    }
    String invalid = "invalid bucket name " + quote(name) + ": ";
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        return Optional.of(invalid + "use 3-63 lowercase letters, digits, dots and hyphens");
      }
    }
    if (name.length() < 3 || name.length() > 63) {
      return Optional.of(invalid + "use 3-63 characters (it has " + name.length() + ")");
    }
    if (!isLetterOrDigit(name.charAt(0)) || !isLetterOrDigit(name.charAt(name.length() - 1))) {
      return Optional.of(invalid + "it must start and end with a lowercase letter or digit");
    }
    if (name.contains("..")) {
      return Optional.of(invalid + "it must not contain two dots in a row");
    }
    if (IP_ADDRESS.matcher(name).matches()) {
      return Optional.of(invalid + "it must not look like an IP address");
    }
    for (String prefix : RESERVED_PREFIXES) {
      if (name.startsWith(prefix)) {
        return Optional.of(invalid + "S3 reserves names starting with \"" + prefix + "\"");
      }
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return Optional.of(invalid + "S3 reserves names ending with \"" + suffix + "\"");
      }
    }
    return Optional.empty();
  }

  /** The default bucket name for a run started at local time {@code t}. */
  public static String defaultName(LocalDateTime t) {
    return String.format(
        Locale.ROOT,
        "p3backup-%02d-%02d-%02d-%02d%02d%02d",
        t.getMonthValue(),
        t.getDayOfMonth(),
        Math.floorMod(t.getYear(), 100),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }

  /**
   * The local time a default bucket name encodes (years 2000-2099), or empty when the name is
   * not one ({@code p3backup-02-30-20-000000} is not: there is no February 30).
   */
  public static Optional<LocalDateTime> parseDefaultName(String bucket) {
    if (bucket == null) {
      return Optional.empty();
    }
    Matcher m = DEFAULT_NAME.matcher(bucket);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          LocalDateTime.of(
              2000 + Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6))));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** Quotes a user-supplied name for a one-line message, escaping control characters. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
        sb.append("\\u").append(String.format(Locale.ROOT, "%04x", (int) c));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
