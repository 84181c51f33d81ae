package p3backup.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries a whole transfer that failed part way: a download whose connection broke while its
 * body was read, which the SDK (retrying single requests) cannot retry by itself. Backs off
 * exponentially with jitter and gives up after {@link #ATTEMPTS} tries, rethrowing the last
 * failure.
 */
public final class Retries {
  public static final int ATTEMPTS = 6;
  private static final long BASE_MS = 200;
  private static final long CAP_MS = 5_000;

  private Retries() {}

  /** A transfer that may be repeated from its start. */
  public interface Transfer<T> {
    T run() throws IOException;
  }

  public static <T> T of(Transfer<T> transfer) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return transfer.run();
      } catch (IOException | UncheckedIOException e) {
        if (attempt >= ATTEMPTS) {
          throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        }
      } catch (StorageException e) {
        if (!worthRetrying(e) || attempt >= ATTEMPTS) {
          throw e;
        }
      }
      Thread.sleep(delayMillis(attempt, BASE_MS, CAP_MS));
    }
  }

  /**
   * The pause after failed attempt {@code attempt} (1-based): exponential from {@code baseMs},
   * at most {@code capMs}, with jitter over its upper half.
   */
  public static long delayMillis(int attempt, long baseMs, long capMs) {
    long cap = Math.min(capMs, baseMs << Math.min(attempt - 1, 20));
    return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
  }

  static boolean worthRetrying(StorageException e) {
    return e.kind() == StorageException.Kind.NETWORK || e.kind() == StorageException.Kind.SERVER;
  }
}
