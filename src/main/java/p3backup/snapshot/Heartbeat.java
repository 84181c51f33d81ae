package p3backup.snapshot;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Calls {@code beat} every period on a daemon thread of its own until closed: a journal's heartbeat. */
public final class Heartbeat implements AutoCloseable {
  private final ScheduledExecutorService executor;

  private Heartbeat(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  public static Heartbeat every(Duration period, Runnable beat) {
    ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "p3backup-journal");
      t.setDaemon(true);
      return t;
    });
    long ms = period.toMillis();
    e.scheduleWithFixedDelay(beat, ms, ms, TimeUnit.MILLISECONDS);
    return new Heartbeat(e);
  }

  /** Stops the beats; a beat under way finishes first. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
