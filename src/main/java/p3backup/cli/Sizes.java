package p3backup.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as people write and read them: {@code 8MiB}, {@code 64M}, {@code 1.5 GiB}. */
final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new UsageException("invalid size \"" + text + "\": use a number with an optional unit,"
          + " such as 8MiB or 64M");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    boolean binary = m.group(3).toLowerCase(Locale.ROOT).startsWith("i") || m.group(3).isEmpty();
    double base = binary ? 1024 : 1000;
    int power = switch (unit) {
      case "k" -> 1;
      case "m" -> 2;
      case "g" -> 3;
      case "t" -> 4;
      default -> 0;
    };
    return (long) (n * Math.pow(base, power));
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[i]);
  }
}
