package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import p3backup.storage.RetryListener;

/** The progress line: what it says while requests are retried, and after. */
class OutputTest {
  final StringWriter err = new StringWriter();

  Output output(GlobalOptions global) {
    return new Output(new PrintWriter(new StringWriter()), new PrintWriter(err), global, false);
  }

  @Test
  void whileRetriesAreUnderWayTheProgressLineSaysSoInsteadOfARateAndEta() {
    try (Output o = output(new GlobalOptions())) {
      o.phase("upload");
      o.totals(10, 10_000_000);
      o.bytes(1_000_000);
      assertTrue(o.progressLine().startsWith("upload: 0/10 files"), o.progressLine());
      o.retrying("connection refused", 4, 10);
      assertEquals("retrying: connection refused, attempt 4 of 10", o.progressLine());
      o.retrying("connection refused", 5, 10);
      assertEquals("retrying: connection refused, attempt 5 of 10", o.progressLine());
      o.recovered();
      assertTrue(o.progressLine().startsWith("upload: 0/10 files"), o.progressLine());
    }
    assertEquals("", err.toString(), "a retry is no line of its own without --verbose");
  }

  @Test
  void withVerboseEachRetryGetsALineButNotWithQuiet() {
    GlobalOptions verbose = new GlobalOptions();
    verbose.verbose = true;
    try (Output o = output(verbose)) {
      o.retrying("SlowDown", 2, 10);
    }
    assertEquals("retrying: SlowDown, attempt 2 of 10", err.toString().strip());
    GlobalOptions quiet = new GlobalOptions();
    quiet.verbose = true;
    quiet.quiet = true;
    StringWriter before = new StringWriter().append(err.toString());
    try (Output o = output(quiet)) {
      o.retrying("SlowDown", 2, 10);
    }
    assertEquals(before.toString(), err.toString());
  }

  @Test
  void causesAreSaidInAFewWords() {
    assertEquals("connection refused",
        RetryListener.cause(new IOException(new ConnectException("Connection refused"))));
    assertEquals("no answer in time", RetryListener.cause(new SocketTimeoutException("Read timed out")));
    assertEquals("connection reset", RetryListener.cause(new IOException("Connection reset")));
  }
}
