package p3backup.forget;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The span of {@code --keep-within}: years, months, days and hours, written {@code 36h},
 * {@code 30d}, {@code 1y6m} (restic's form). It is calendar arithmetic, not a fixed length: a
 * month back from 31 March is "31 February", which runs on into March, as Go's {@code AddDate}
 * (and so restic) counts it.
 */
public record KeepWithin(int years, int months, int days, int hours) {
  private static final Pattern PART = Pattern.compile("(\\d{1,6})([ymdh])");

  public KeepWithin {
    if (years < 0 || months < 0 || days < 0 || hours < 0) {
      throw new IllegalArgumentException("a --keep-within span is not negative");
    }
  }

  /**
   * Parses {@code 1y6m}, {@code 30d}, {@code 36h}: numbers each followed by one of y, m, d, h,
   * each unit at most once, in any order. Throws IllegalArgumentException for anything else,
   * or for a span of zero.
   */
  public static KeepWithin parse(String text) {
    String s = text == null ? "" : text.trim();
    Matcher m = PART.matcher(s);
    int[] v = new int[4];
    boolean[] seen = new boolean[4];
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw invalid(text);
      }
      int unit = "ymdh".indexOf(m.group(2).charAt(0));
      if (seen[unit]) {
        throw invalid(text);
      }
      seen[unit] = true;
      v[unit] = Integer.parseInt(m.group(1));
      at = m.end();
    }
    KeepWithin w = new KeepWithin(v[0], v[1], v[2], v[3]);
    if (w.zero()) {
      throw invalid(text);
    }
    return w;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid duration \"" + text + "\": give numbers with"
        + " units y (years), m (months), d (days), h (hours), such as 36h, 30d or 1y6m");
  }

  public boolean zero() {
    return years == 0 && months == 0 && days == 0 && hours == 0;
  }

  /**
   * The moment this span before {@code latest}: years, months and days taken off the local
   * date in {@code zone} (an overflowing day runs on into the next month), then hours off the
   * instant. A snapshot strictly after it is within.
   */
  public Instant before(Instant latest, ZoneId zone) {
    ZonedDateTime z = latest.atZone(zone);
    long month = z.getYear() * 12L + z.getMonthValue() - 1 - years * 12L - months;
    LocalDate date = LocalDate.of((int) Math.floorDiv(month, 12), Math.floorMod(month, 12) + 1, 1)
        .plusDays(z.getDayOfMonth() - 1L - days);
    ZonedDateTime back = ZonedDateTime.ofLocal(LocalDateTime.of(date, z.toLocalTime()), zone, z.getOffset());
    return back.toInstant().minus(Duration.ofHours(hours));
  }

  /** The span as restic writes it: {@code 1y6m}, {@code 30d}, units in order, zeros left out. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    int[] v = {years, months, days, hours};
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0) {
        s.append(v[i]).append("ymdh".charAt(i));
      }
    }
    return s.toString();
  }
}
