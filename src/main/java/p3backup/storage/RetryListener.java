package p3backup.storage;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Told when a request to the object store failed and is to be sent again, so that a run that
 * stalls can say why. An object store is given one when it is opened and calls it from any of
 * its threads, around its own retries (whichever client makes them).
 */
public interface RetryListener {
  RetryListener NONE = new RetryListener() {};

  /**
   * A request failed for {@code cause} (a few words: "connection refused", "SlowDown") and
   * attempt {@code next} of {@code attempts} follows after a pause.
   */
  default void retrying(String cause, int next, int attempts) {}

  /** A request got through after attempts that had failed. */
  default void recovered() {}

  /** The few words a {@link #retrying} call gives for a failed exchange. */
  static String cause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof ConnectException) {
      String m = root.getMessage();
      return m != null && m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused"
          : "cannot connect";
    }
    if (root instanceof SocketTimeoutException) {
      return "no answer in time";
    }
    if (root instanceof UnknownHostException) {
      return "unknown host " + root.getMessage();
    }
    String m = root.getMessage();
    if (m == null || m.isBlank()) {
      return root.getClass().getSimpleName();
    }
    return m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1))
        ? Character.toLowerCase(m.charAt(0)) + m.substring(1) : m;
  }
}
