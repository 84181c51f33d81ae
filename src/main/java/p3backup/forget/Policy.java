package p3backup.forget;

/**
 * What {@code forget} keeps, restic's keep options: the newest {@code last} snapshots, the
 * newest of each of the last {@code hourly} hours (and days, ISO weeks, months, years) that
 * have snapshots, and every snapshot {@code within} of the newest one. A count of {@link #ALL}
 * has no limit; 0 keeps nothing by that option; {@code within} is null when not given.
 */
public record Policy(int last, int hourly, int daily, int weekly, int monthly, int yearly,
    KeepWithin within) {
  /** A count without limit. */
  public static final int ALL = -1;

  public Policy {
    for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly}) {
      if (n < ALL) {
        throw new IllegalArgumentException("a keep count is a number from 0 up, or -1 for all");
      }
    }
  }

  /** Whether no option keeps anything: such a policy would forget every snapshot. */
  public boolean isEmpty() {
    return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0
        && (within == null || within.zero());
  }

  int count(Bucket b) {
    return switch (b) {
      case LAST -> last;
      case HOURLY -> hourly;
      case DAILY -> daily;
      case WEEKLY -> weekly;
      case MONTHLY -> monthly;
      case YEARLY -> yearly;
    };
  }
}
