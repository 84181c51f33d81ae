package p3backup.forget;

import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;

/**
 * The time buckets of the keep counts: a snapshot counts for a bucket when its value (its hour,
 * day, ISO week, ...) differs from the last one kept for that bucket. {@code LAST} gives every
 * snapshot a value of its own (its place in the newest-first order).
 */
enum Bucket {
  LAST("last"),
  HOURLY("hourly"),
  DAILY("daily"),
  WEEKLY("weekly"),
  MONTHLY("monthly"),
  YEARLY("yearly");

  final String reason;

  Bucket(String reason) {
    this.reason = reason;
  }

  /** The bucket value of a snapshot at local time {@code t}, {@code nr}-th newest. */
  long value(ZonedDateTime t, int nr) {
    long ymd = t.getYear() * 10_000L + t.getMonthValue() * 100L + t.getDayOfMonth();
    return switch (this) {
      case LAST -> nr;
      case HOURLY -> ymd * 100 + t.getHour();
      case DAILY -> ymd;
      case WEEKLY -> t.get(IsoFields.WEEK_BASED_YEAR) * 100L + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case MONTHLY -> t.getYear() * 100L + t.getMonthValue();
      case YEARLY -> t.getYear();
    };
  }
}
