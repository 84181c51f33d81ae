package p3backup.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import p3backup.snapshot.ManifestException;
import p3backup.storage.StorageException;

/**
 * The one place where a command's failure becomes a message and an exit code: one line saying
 * what went wrong and what to do, a stack trace only with --verbose, and with --json the JSON
 * object even so.
 */
final class Commands {
  private Commands() {}

  /** A command's body. */
  interface Body {
    int run() throws IOException, InterruptedException;
  }

  static int guard(String command, Output output, long start, Body body) {
    try {
      return body.run();
    } catch (UsageException e) {
      return fail(command, output, start, e.getMessage(), ExitCodes.USAGE, null);
    } catch (StorageException e) {
      return fail(command, output, start, e.getMessage(), ExitCodes.FAILED, e);
    } catch (ManifestException e) {
      return fail(command, output, start, e.getMessage(), ExitCodes.FAILED, e);
    } catch (UncheckedIOException e) {
      return fail(command, output, start, describe(e.getCause()), ExitCodes.FAILED, e);
    } catch (IOException e) {
      return fail(command, output, start, describe(e), ExitCodes.FAILED, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(command, output, start, "interrupted", ExitCodes.FAILED, e);
    } catch (RuntimeException e) {
      return fail(command, output, start, "unexpected error: " + e
          + (output.verbose() ? "" : " (run with --verbose for details)"), ExitCodes.FAILED, e);
    }
  }

  private static int fail(String command, Output output, long start, String message, int code,
      Throwable cause) {
    output.error(message);
    if (cause != null && output.verbose()) {
      StringWriter s = new StringWriter();
      cause.printStackTrace(new PrintWriter(s));
      output.detail(s.toString());
    }
    if (output.json()) {
      output.out().println(Summary.failure(command, message, code,
          (System.nanoTime() - start) / 1_000_000));
      output.out().flush();
    }
    return code;
  }

  static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": no such file or directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
