package p3backup.backup;

import java.math.BigDecimal;

/** The user metadata p3backup writes on each file object, as other S3 tools read it. */
public final class Metadata {
  private Metadata() {}

  /** Seconds since the epoch with the fraction, as rclone writes {@code x-amz-meta-mtime}. */
  public static String mtime(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
  }

  /** Octal permission bits, as {@code x-amz-meta-mode}. */
  public static String mode(int mode) {
    return String.format("%04o", mode);
  }
}
