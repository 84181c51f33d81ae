package p3backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A local S3 server for tests: S3Proxy run as an OS process of its own (its bundled jar carries
 * its own AWS SDK, so it stays off our class path), listening on a free loopback port, with its
 * store, configuration and log in a temp directory that {@link #close()} deletes.
 *
 * <p>The jar comes from the system property {@code s3proxy.jar}, which the Maven build sets for
 * surefire and failsafe. Use {@link #start(Provider)} for a server of your own, or {@link
 * #shared(Provider)} for one server per JVM and provider (give each test its own bucket). A JVM
 * shutdown hook stops every server still running, so an aborted test run leaves none behind.
 *
 * <p>Clients must use path-style addressing, the keys from {@link #accessKey()} and {@link
 * #secretKey()}, and any region (for example {@code us-east-1}).
 */
public final class S3ProxyServer implements S3Server, AutoCloseable {

  /** The jclouds storage behind S3Proxy. */
  public enum Provider {
    /** In memory; keeps object versions. */
    TRANSIENT("transient"),
    /** Plain files under {@link #storeDir()}; keeps no versions. */
    FILESYSTEM("filesystem");

    private final String jcloudsName;

    Provider(String jcloudsName) {
      this.jcloudsName = jcloudsName;
    }

    /** The name S3Proxy's {@code jclouds.provider} property takes. */
    public String jcloudsName() {
      return jcloudsName;
    }
  }

  public static final String JAR_PROPERTY = "s3proxy.jar";
  private static final String ACCESS_KEY = "local-identity";
  private static final String SECRET_KEY = "local-credential";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READY_FALLBACK = Duration.ofSeconds(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private static final Set<S3ProxyServer> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Map<Provider, S3ProxyServer> SHARED = new EnumMap<>(Provider.class);

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (S3ProxyServer server : List.copyOf(RUNNING)) {
                    server.stop();
                  }
                },
                "s3proxy-shutdown"));
  }

  private final Provider provider;
  private final Path workDir;
  private final Path storeDir;
  private final Path logFile;
  private final Process process;
  private final URI endpoint;
  private final boolean shared;

  private S3ProxyServer(
      Provider provider,
      Path workDir,
      Path storeDir,
      Path logFile,
      Process process,
      URI endpoint,
      boolean shared) {
    this.provider = provider;
    this.workDir = workDir;
    this.storeDir = storeDir;
    this.logFile = logFile;
    this.process = process;
    this.endpoint = endpoint;
    this.shared = shared;
  }

  /** Starts a server of the caller's own; close it when done. */
  public static S3ProxyServer start(Provider provider) {
    return launch(provider, false);
  }

  /**
   * The JVM-wide server for {@code provider}, started on first use. Tests in any class may share
   * it, each in a bucket of its own. Its {@link #close()} does nothing; the shutdown hook stops it.
   */
  public static S3ProxyServer shared(Provider provider) {
    synchronized (SHARED) {
      S3ProxyServer server = SHARED.get(provider);
      if (server == null || !server.process.isAlive()) {
        if (server != null) {
          server.stop();
        }
        server = launch(provider, true);
        SHARED.put(provider, server);
      }
      return server;
    }
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  /** The transient store keeps versions; the filesystem store does not. */
  @Override
  public boolean keepsVersions() {
    return provider == Provider.TRANSIENT;
  }

  /** Where the {@link Provider#FILESYSTEM} provider keeps buckets (empty for transient). */
  public Path storeDir() {
    return storeDir;
  }

  public Provider provider() {
    return provider;
  }

  /** The server's own log (stdout and stderr), for diagnosing a failed test. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the server and deletes its temp directory; does nothing for a shared server. */
  @Override
  public void close() {
    if (!shared) {
      stop();
    }
  }

  @Override
  public String toString() {
    return "S3ProxyServer[" + provider.jcloudsName() + " at " + endpoint + "]";
  }

  private void stop() {
    RUNNING.remove(this);
    stopProcess(process);
    deleteRecursively(workDir);
  }

  private static S3ProxyServer launch(Provider provider, boolean shared) {
    Path jar = locateJar();
    Path java = javaExecutable();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("s3proxy-test-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp directory for S3Proxy", e);
    }
    try {
      Path storeDir = Files.createDirectories(workDir.resolve("store"));
      Path logFile = workDir.resolve("s3proxy.log");
      IllegalStateException lastFailure = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = freeLoopbackPort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = workDir.resolve("s3proxy.properties");
        Files.writeString(properties, properties(provider, endpoint, storeDir));
        Process process =
            new ProcessBuilder(
                    java.toString(),
                    "-Xmx512m",
                    "-jar",
                    jar.toAbsolutePath().toString(),
                    "--properties",
                    properties.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        process.getOutputStream().close();
        S3ProxyServer server =
            new S3ProxyServer(provider, workDir, storeDir, logFile, process, endpoint, shared);
        RUNNING.add(server);
        try {
          awaitReady(process, port, logFile);
          return server;
        } catch (IllegalStateException e) {
          RUNNING.remove(server);
          stopProcess(process);
          lastFailure = e;
          if (!looksLikeBindFailure(logFile)) {
            break;
          }
        }
      }
      deleteRecursively(workDir);
      throw lastFailure;
    } catch (IOException e) {
      deleteRecursively(workDir);
      throw new UncheckedIOException("cannot start S3Proxy", e);
    } catch (RuntimeException e) {
      deleteRecursively(workDir);
      throw e;
    }
  }

  private static String properties(Provider provider, URI endpoint, Path storeDir) {
    // Backslashes (Windows paths) must be escaped in a properties file.
    String basedir = storeDir.toAbsolutePath().toString().replace("\\", "\\\\");
    return String.join(
        "\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=" + provider.jcloudsName(),
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET_KEY,
        "jclouds.filesystem.basedir=" + basedir,
        "");
  }

  private static Path locateJar() {
    String value = System.getProperty(JAR_PROPERTY);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "System property '"
              + JAR_PROPERTY
              + "' is not set: run the tests through Maven (mvn verify), which copies S3Proxy to"
              + " target/s3proxy/s3proxy.jar and sets it, or pass -D"
              + JAR_PROPERTY
              + "=/path/to/s3proxy-jar-with-dependencies.jar");
    }
    Path jar = Path.of(value);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "S3Proxy jar not found at "
              + jar.toAbsolutePath()
              + " (system property '"
              + JAR_PROPERTY
              + "'): run 'mvn generate-test-resources' to fetch it");
    }
    return jar;
  }

  static Path javaExecutable() {
    boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    Path fromHome =
        Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome;
    }
    return ProcessHandle.current()
        .info()
        .command()
        .map(Path::of)
        .filter(Files::isExecutable)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find the java executable to run S3Proxy (looked at " + fromHome + ")"));
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * Waits until the port accepts connections and S3Proxy logs that its connector started (or,
   * should the log read differently, the port has answered for a few seconds while S3Proxy runs).
   * A port that another process grabbed answers too, but then S3Proxy exits with a bind error.
   */
  private static void awaitReady(Process process, int port, Path logFile) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    long openSince = 0;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "S3Proxy exited with code "
                + process.exitValue()
                + " before listening on port "
                + port
                + "; its log ends:\n"
                + logTail(logFile));
      }
      if (acceptsConnections(port)) {
        long now = System.nanoTime();
        if (openSince == 0) {
          openSince = now;
        }
        if (connectorStarted(logFile, port) || now - openSince > READY_FALLBACK.toNanos()) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "S3Proxy did not listen on port "
                + port
                + " within "
                + STARTUP_TIMEOUT.toSeconds()
                + " s; its log ends:\n"
                + logTail(logFile));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Proxy to start", e);
      }
    }
  }

  static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean connectorStarted(Path logFile, int port) {
    try {
      String log = Files.readString(logFile, StandardCharsets.UTF_8);
      return log.lines()
          .anyMatch(
              line ->
                  line.contains("Started")
                      && line.contains("ServerConnector")
                      && line.contains(":" + port + "}"));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static boolean looksLikeBindFailure(Path logFile) {
    String tail = logTail(logFile);
    return tail.contains("Failed to bind")
        || tail.contains("BindException")
        || tail.contains("Address already in use");
  }

  static String logTail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      List<String> tail =
          new ArrayList<>(lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
      return tail.isEmpty() ? "(empty log " + logFile + ")" : String.join("\n", tail);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  static void stopProcess(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a leftover temp directory must not fail a test run.
    }
  }
}
