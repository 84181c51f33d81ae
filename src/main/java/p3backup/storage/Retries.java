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
      long cap = Math.min(CAP_MS, BASE_MS << (attempt - 1));
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }
  }

  static boolean worthRetrying(StorageException e) {
    return e.kind() == StorageException.Kind.NETWORK || e.kind() == StorageException.Kind.SERVER;
  }
}
