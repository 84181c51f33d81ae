package p3backup.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import p3backup.cli.CommandLineFactory;
import p3backup.cli.Environment;

/**
 * Runs the real CLI as a user would from a shell, capturing stdout, stderr and the exit code.
 * The environment is the test's: credentials for the given server, an empty home (so no real
 * ~/.aws is read), instance metadata off.
 *
 * <p>By default the CLI runs in-process. With the system property {@value #COMMAND_PROPERTY}
 * set to the native executable ({@code target/p3backup}, {@code p3backup.exe} on Windows) or to
 * a {@code .jar}, every run starts that command as a process of its own
 * instead, in the runner's working directory, with only the runner's environment (plus what a
 * process needs to start: PATH, a UTF-8 locale, the OS's own variables on Windows), so the same
 * tests check the binary users download.
 */
public final class CliRunner {
  /** The system property naming the command under test; unset means in-process. */
  public static final String COMMAND_PROPERTY = "p3backup.command";

  private static final long PROCESS_TIMEOUT_MINUTES = 15;

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

  /**
   * The clock of an in-process run. A command run as a process has the real clock: tests that
   * need a fixed one check {@link #inProcess()} first.
   */
  public CliRunner clock(Clock c) {
    if (!inProcess()) {
      throw new IllegalStateException("a fixed clock needs the in-process CLI; "
          + COMMAND_PROPERTY + " is set");
    }
    this.clock = c;
    return this;
  }

  /** Whether runs are in-process (no {@value #COMMAND_PROPERTY} given). */
  public static boolean inProcess() {
    return command() == null;
  }

  /** The command under test, or null for the in-process CLI. */
  static String command() {
    String c = System.getProperty(COMMAND_PROPERTY);
    return c == null || c.isBlank() ? null : c;
  }

  /**
   * The command line that starts p3backup as a process, with the given system properties: the
   * command under test, or else the built jar ({@code p3backup.jar}) on this JVM's java.
   */
  public static List<String> processCommand(String... systemProperties) {
    String c = command();
    List<String> cmd = new ArrayList<>();
    if (c != null && !c.endsWith(".jar")) {
      cmd.add(c); // the native executable takes -D options as a JVM does
      cmd.addAll(List.of(systemProperties));
      return cmd;
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", Platform.WINDOWS ? "java.exe" : "java").toString());
    cmd.addAll(List.of(systemProperties));
    cmd.add("-jar");
    cmd.add(c != null ? c : System.getProperty("p3backup.jar"));
    return cmd;
  }

  /**
   * The environment a process of p3backup gets: nothing of this JVM's but what starting a
   * process needs, then the given variables, with HOME (USERPROFILE on Windows) the given home.
   */
  public static void processEnvironment(Map<String, String> env, Path home, Map<String, String> vars) {
    Map<String, String> parent = Map.copyOf(env);
    env.clear();
    for (String keep : List.of("PATH", "Path", "SystemRoot", "SYSTEMROOT", "windir", "TEMP", "TMP",
        "TMPDIR", "PATHEXT", "COMSPEC", "ComSpec")) {
      if (parent.containsKey(keep)) {
        env.put(keep, parent.get(keep));
      }
    }
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    env.put("HOME", home.toString());
    if (Platform.WINDOWS) {
      env.put("USERPROFILE", home.toString());
    }
    env.putAll(vars);
  }

  /** Runs {@code p3backup ARGS...} (with the runner's own arguments after them). */
  public Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(prefixArgs);
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs {@code p3backup ARGS...} with no argument of the runner's. */
  public Result runExactly(String... args) {
    if (!inProcess()) {
      return runProcess(args);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = new Environment(Map.copyOf(vars), home, cwd, clock, false);
    int code = CommandLineFactory.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  private Result runProcess(String... args) {
    List<String> cmd = processCommand();
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    processEnvironment(pb.environment(), home, vars);
    try {
      Path dir = Files.createTempDirectory("p3backup-run");
      try {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File(Platform.WINDOWS ? "NUL" : "/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(PROCESS_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
          throw new AssertionError(String.join(" ", cmd) + " ran past " + PROCESS_TIMEOUT_MINUTES
              + " minutes; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        for (String f : List.of("stdout", "stderr", "")) {
          Files.deleteIfExists(dir.resolve(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
    }
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
