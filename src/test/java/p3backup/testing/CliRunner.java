package p3backup.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import p3backup.cli.CommandLineFactory;
import p3backup.cli.Environment;

/**
 * Runs the real CLI in-process, as a user would from a shell, capturing stdout, stderr and the
 * exit code. The environment is the test's: credentials for the given server, an empty home
 * (so no real ~/.aws is read), instance metadata off.
 */
public final class CliRunner {
  private final Map<String, String> vars = new HashMap<>();
  private Path home;
  private Path cwd;
  private Clock clock = Clock.systemDefaultZone();
  private final List<String> prefixArgs = new ArrayList<>();

  /** A runner with no credentials at all. */
  public CliRunner(Path home) {
    this.home = home;
    this.cwd = home;
    vars.put("AWS_EC2_METADATA_DISABLED", "true");
    vars.put("AWS_CONFIG_FILE", home.resolve(".aws/config").toString());
    vars.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString());
  }

  /** A runner for a test server: its keys in the environment, its endpoint as an option. */
  public static CliRunner forServer(S3Server server, Path home) {
    return forServer(server, home, server.endpoint());
  }

  /** The same, through another endpoint (a relay in front of the server). */
  public static CliRunner forServer(S3Server server, Path home, java.net.URI endpoint) {
    return new CliRunner(home)
        .env("AWS_ACCESS_KEY_ID", server.accessKey())
        .env("AWS_SECRET_ACCESS_KEY", server.secretKey())
        .env("AWS_REGION", "us-east-1")
        .withArgs("--endpoint-url", endpoint.toString(), "--no-progress");
  }

  public CliRunner env(String name, String value) {
    if (value == null) {
      vars.remove(name);
    } else {
      vars.put(name, value);
    }
    return this;
  }

  public CliRunner withArgs(String... args) {
    prefixArgs.addAll(List.of(args));
    return this;
  }

  public CliRunner cwd(Path dir) {
    this.cwd = dir;
    return this;
  }

  public CliRunner clock(Clock c) {
    this.clock = c;
    return this;
  }

  /** Runs {@code p3backup ARGS...} (with the runner's own arguments after them). */
  public Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(prefixArgs);
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs {@code p3backup ARGS...} with no argument of the runner's. */
  public Result runExactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = new Environment(Map.copyOf(vars), home, cwd, clock, false);
    int code = CommandLineFactory.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public static Path tempHome() throws IOException {
    return Files.createTempDirectory("p3backup-home");
  }
}
