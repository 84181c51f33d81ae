package p3backup.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;

/**
 * The scan, run on a thread of its own a bounded distance ahead of the planner: the disk is read
 * while the network is waited on, and memory holds at most {@link #AHEAD} scanned entries.
 * Entries cross between the threads in batches of {@link #BATCH}, so that the two threads meet
 * (and, when one waits for the other, wake it) once a batch rather than once a file.
 */
final class ScanFeed implements AutoCloseable {
  static final int AHEAD = 4096;
  static final int BATCH = 256;

  /** Batches of entries; an empty batch is the end of the tree. */
  private final BlockingQueue<List<LocalEntry>> queue = new ArrayBlockingQueue<>(AHEAD / BATCH);
  private final Thread thread;
  private volatile Throwable failure;
  private List<LocalEntry> batch = List.of();
  private int next;
  private boolean ended;

  ScanFeed(Scanner scanner) {
    thread = new Thread(() -> {
      Filler filler = new Filler();
      try {
        scanner.scan(filler);
      } catch (Stopped e) {
        return;
      } catch (IOException | RuntimeException | Error e) {
        failure = e; // thrown after the entries that came before it
      }
      try {
        if (!filler.batch.isEmpty()) {
          queue.put(filler.batch);
        }
        queue.put(List.of()); // the end
      } catch (InterruptedException e) {
        // stopped: nobody waits for the end
      }
    }, "p3backup-scan");
    thread.setDaemon(true);
    thread.start();
  }

  /** Fills batches on the scan thread and hands on each full one. */
  private final class Filler implements java.util.function.Consumer<LocalEntry> {
    private List<LocalEntry> batch = new ArrayList<>(BATCH);

    @Override
    public void accept(LocalEntry e) {
      batch.add(e);
      if (batch.size() == BATCH) {
        try {
          queue.put(batch);
        } catch (InterruptedException ex) {
          throw new Stopped();
        }
        batch = new ArrayList<>(BATCH);
      }
    }
  }

  /** The next entry in path order, or null at the end of the tree. */
  LocalEntry next() throws IOException, InterruptedException {
    if (next < batch.size()) {
      LocalEntry e = batch.get(next);
      batch.set(next++, null); // handed on: the batch no longer holds it
      return e;
    }
    if (ended) {
      return null;
    }
    batch = queue.take();
    next = 0;
    if (!batch.isEmpty()) {
      return next();
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
