package p3backup.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import p3backup.problems.FileProblem;
import p3backup.problems.RunListener;
import p3backup.storage.RetryListener;

/**
 * Everything a command shows a person: warnings and per-file problems on stderr, a progress line
 * on a terminal (files, bytes, rate, ETA), detail with --verbose. Stdout is left to the summary
 * (text or JSON), so that {@code --json} output is one object and nothing else. With --quiet a
 * run that succeeds prints nothing: only errors and the names of files skipped remain.
 */
final class Output implements RunListener, RetryListener, AutoCloseable {
  private final PrintWriter out;
  private final PrintWriter err;
  private final GlobalOptions global;
  private final boolean progress;
  private final Object lock = new Object();
  private final AtomicLong scanned = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile String phase = "";
  private volatile long totalFiles = -1;
  private volatile long totalBytes = -1;
  private volatile long phaseStart = System.nanoTime();
  /** What the progress line says while requests are being retried, or null. */
  private volatile String retrying;
  private ScheduledExecutorService ticker;
  private int lineLength;

  Output(PrintWriter out, PrintWriter err, GlobalOptions global, boolean terminal) {
    this.out = out;
    this.err = err;
    this.global = global;
    this.progress = terminal && !global.quiet && !global.json && !global.noProgress;
    if (progress) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "p3backup-progress");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(this::render, 250, 250, TimeUnit.MILLISECONDS);
    }
  }

  PrintWriter out() {
    return out;
  }

  boolean json() {
    return global.json;
  }

  boolean verbose() {
    return global.verbose;
  }

  /** A line of the closing summary on stdout; nothing with --json, nor with --quiet. */
  void summary(String line) {
    if (!global.quiet) {
      listing(line);
    }
  }

  /**
   * A line of what the command was asked to show (a listing, a dry run's plan, the differences
   * verify found) on stdout, --quiet or not; nothing with --json.
   */
  void listing(String line) {
    if (!global.json) {
      stopProgress();
      out.println(line);
      out.flush();
    }
  }

  /** An error: always shown, on stderr. */
  void error(String message) {
    synchronized (lock) {
      clearLine();
      err.println("p3backup: " + message);
      err.flush();
    }
  }

  @Override
  public void warning(String message) {
    if (!global.quiet) {
      synchronized (lock) {
        clearLine();
        err.println("p3backup: warning: " + message);
        err.flush();
      }
    }
  }

  @Override
  public void problem(FileProblem p) {
    error(p.path() + ": " + p.message());
  }

  @Override
  public void detail(String message) {
    if (global.verbose && !global.quiet) {
      synchronized (lock) {
        clearLine();
        err.println(message);
        err.flush();
      }
    }
  }

  @Override
  public void phase(String name) {
    phase = name;
    done.set(0);
    bytes.set(0);
    totalFiles = -1;
    totalBytes = -1;
    phaseStart = System.nanoTime();
  }

  @Override
  public void totals(long files, long b) {
    totalFiles = files;
    totalBytes = b;
  }

  @Override
  public void scanned(long entries) {
    scanned.set(entries);
  }

  @Override
  public void bytes(long n) {
    bytes.addAndGet(n);
  }

  @Override
  public void fileDone(String path) {
    done.incrementAndGet();
  }

  /**
   * While the server does not answer, the progress line says so instead of showing a rate that
   * falls and an ETA that grows; with --verbose each retry also gets a line of its own.
   */
  @Override
  public void retrying(String cause, int next, int attempts) {
    retrying = "retrying: " + cause + ", attempt " + next + " of " + attempts;
    detail(retrying);
  }

  @Override
  public void recovered() {
    retrying = null;
  }

  private void render() {
    String line = progressLine();
    synchronized (lock) {
      StringBuilder s = new StringBuilder("\r").append(line);
      for (int i = line.length(); i < lineLength; i++) {
        s.append(' ');
      }
      lineLength = line.length();
      err.print(s);
      err.flush();
    }
  }

  /** The progress line as it stands. */
  String progressLine() {
    String line;
    String retry = retrying;
    if (retry != null) {
      line = retry;
    } else if ("scan".equals(phase)) {
      line = "scanning: " + scanned.get() + " entries";
    } else if (totalFiles >= 0) {
      double seconds = Math.max(0.001, (System.nanoTime() - phaseStart) / 1e9);
      long b = bytes.get();
      double rate = b / seconds;
      String eta = "";
      if (totalBytes > 0 && rate > 0 && b > 0) {
        long left = (long) Math.max(0, (totalBytes - b) / rate);
        eta = String.format(Locale.ROOT, "  ETA %d:%02d", left / 60, left % 60);
      }
      line = String.format(Locale.ROOT, "%s: %d/%d files  %s/%s  %s/s%s", phase, done.get(),
          totalFiles, Sizes.human(b), Sizes.human(totalBytes), Sizes.human((long) rate), eta);
    } else {
      line = phase.isEmpty() ? "" : phase + "...";
    }
    return line;
  }

  private void clearLine() {
    if (progress && lineLength > 0) {
      err.print("\r" + " ".repeat(lineLength) + "\r");
      err.flush();
      lineLength = 0;
    }
  }

  /** Ends the progress display, clearing its line; later output starts on a clean line. */
  private void stopProgress() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (lock) {
        clearLine();
        err.flush();
      }
    }
  }

  @Override
  public void close() {
    stopProgress();
  }
}
