package p3backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second, independent S3 server for tests: Adobe S3Mock (a Spring Boot application, run as
 * an OS process of its own, never on our class path) on a free loopback port, with its store
 * in a temp directory. It keeps object versions and checks no signatures: any keys do.
 *
 * <p>The jar comes from the system property {@code s3mock.jar}, which the Maven build sets for
 * surefire and failsafe. One server per JVM ({@link #shared()}); a shutdown hook stops it.
 */
public final class S3MockServer implements S3Server {
  public static final String JAR_PROPERTY = "s3mock.jar";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static S3MockServer shared;

  private final Process process;
  private final URI endpoint;
  private final Path workDir;

  private S3MockServer(Process process, URI endpoint, Path workDir) {
    this.process = process;
    this.endpoint = endpoint;
    this.workDir = workDir;
  }

  /** The JVM-wide server, started on first use; give each test its own bucket. */
  public static synchronized S3MockServer shared() {
    if (shared == null || !shared.process.isAlive()) {
      if (shared != null) {
        shared.stop();
      }
      shared = launch();
      S3MockServer started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "s3mock-shutdown"));
    }
    return shared;
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public String accessKey() {
    return "s3mock-any-key";
  }

  @Override
  public String secretKey() {
    return "s3mock-any-secret";
  }

  @Override
  public boolean keepsVersions() {
    return true;
  }

  @Override
  public String toString() {
    return "S3MockServer[" + endpoint + "]";
  }

  private void stop() {
    S3ProxyServer.stopProcess(process);
    S3ProxyServer.deleteRecursively(workDir);
  }

  private static S3MockServer launch() {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("S3Mock jar not found (system property '" + JAR_PROPERTY
          + "' is " + jar + "): run the tests through Maven (mvn verify), which copies it to"
          + " target/s3mock/s3mock.jar");
    }
    try {
      Path workDir = Files.createTempDirectory("s3mock-test-");
      Path log = workDir.resolve("s3mock.log");
      int port = S3ProxyServer.freeLoopbackPort();
      Process process = new ProcessBuilder(S3ProxyServer.javaExecutable().toString(), "-Xmx512m",
          "-jar", Path.of(jar).toAbsolutePath().toString(),
          "--server.address=127.0.0.1", "--server.port=0",
          "--com.adobe.testing.s3mock.httpPort=" + port,
          "--com.adobe.testing.s3mock.store.root=" + workDir.resolve("store"),
          "--com.adobe.testing.s3mock.store.retainFilesOnExit=false",
          "--spring.main.banner-mode=off")
          .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      process.getOutputStream().close();
      S3MockServer server = new S3MockServer(process, URI.create("http://127.0.0.1:" + port), workDir);
      long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
      while (!(S3ProxyServer.acceptsConnections(port) && started(log))) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          String tail = S3ProxyServer.logTail(log);
          server.stop();
          throw new IllegalStateException("S3Mock did not start on port " + port + "; its log ends:\n" + tail);
        }
        Thread.sleep(100);
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Mock", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for S3Mock to start", e);
    }
  }

  private static boolean started(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8).contains("Started S3MockApplication");
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }
}
