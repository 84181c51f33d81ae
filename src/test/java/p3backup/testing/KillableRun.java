package p3backup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * p3backup started as a process of its own (the command under test, or the built jar), so that a
 * test can kill it with SIGKILL ({@link Process#destroyForcibly()}) at a point of its choosing.
 */
public final class KillableRun {
  private KillableRun() {}

  /**
   * Starts {@code p3backup ARGS...} with the server's keys and nothing else of this JVM's
   * environment; its home and empty AWS files under {@code dir}, stdout and stderr into {@code log}.
   */
  public static Process start(S3Server server, Path dir, Path log, List<String> systemProperties,
      List<String> args) throws IOException {
    List<String> cmd = CliRunner.processCommand(systemProperties.toArray(String[]::new));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    CliRunner.processEnvironment(pb.environment(), Files.createDirectories(dir.resolve("killed-home")), Map.of(
        "AWS_ACCESS_KEY_ID", server.accessKey(),
        "AWS_SECRET_ACCESS_KEY", server.secretKey(),
        "AWS_REGION", "us-east-1",
        "AWS_EC2_METADATA_DISABLED", "true",
        "AWS_CONFIG_FILE", dir.resolve("no-config").toString(),
        "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString()));
    return pb.start();
  }

  /** Waits (a minute at the most) until the condition holds. */
  public static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
