package p3backup.backup;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;

/**
 * The scan, run on a thread of its own a bounded distance ahead of the planner: the disk is read
 * while the network is waited on, and memory holds at most {@link #AHEAD} scanned entries.
 */
final class ScanFeed implements AutoCloseable {
  static final int AHEAD = 4096;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
  private final Thread thread;
  private volatile Throwable failure;
  private boolean ended;

  ScanFeed(Scanner scanner) {
    thread = new Thread(() -> {
      try {
        scanner.scan(e -> {
          try {
            queue.put(e);
          } catch (InterruptedException ex) {
            throw new Stopped();
          }
        });
      } catch (Stopped e) {
        return;
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
      }
      try {
        queue.put(Boolean.FALSE); // the end
      } catch (InterruptedException e) {
        // stopped: nobody waits for the end
      }
    }, "p3backup-scan");
    thread.setDaemon(true);
    thread.start();
  }

  /** The next entry in path order, or null at the end of the tree. */
  LocalEntry next() throws IOException, InterruptedException {
    if (ended) {
      return null;
    }
    Object o = queue.take();
    if (o instanceof LocalEntry e) {
      return e;
    }
    ended = true;
    Throwable f = failure;
    if (f instanceof IOException io) {
      throw io;
    }
    if (f instanceof RuntimeException r) {
      throw r;
    }
    if (f instanceof Error err) {
      throw err;
    }
    return null;
  }

  /** Stops the scan if it still runs. */
  @Override
  public void close() {
    thread.interrupt();
  }

  /** The scan thread's way out when the run stops early. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super(null, null, false, false);
    }
  }

}
