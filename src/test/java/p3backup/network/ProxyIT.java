package p3backup.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.ForwardProxy;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;

/**
 * Proxies as the AWS CLI honours them: an endpoint whose host name only the proxy can resolve
 * is reached through HTTP_PROXY (or http_proxy), and NO_PROXY sends a host past it.
 */
class ProxyIT {
  @TempDir Path tmp;

  Path tree() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree/sub dir"));
    Files.writeString(tree.resolve("a.txt"), "through the proxy");
    Files.write(tree.resolve("big.bin"), new byte[(6 << 20) + 3]); // a multipart upload too
    return tree.getParent();
  }

  static URI hiddenEndpoint(S3ProxyServer server) {
    return URI.create("http://s3.invalid:" + server.endpoint().getPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP_PROXY", "http_proxy"})
  void backupAndRestoreGoThroughTheProxyToAHostOnlyItKnows(String variable) throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    try (ForwardProxy proxy = new ForwardProxy().route("s3.invalid", server.endpoint())) {
      CliRunner cli = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")),
          hiddenEndpoint(server)).env(variable, proxy.url()).env("NO_PROXY", "localhost,.example.com");
      Path tree = tree();
      String bucket = "proxy-it-" + (variable.equals("HTTP_PROXY") ? "upper" : "lower");
      Result backup = cli.run(bucket, tree.toString(), "--part-size", "5MiB");
      assertEquals(0, backup.exitCode(), backup.toString());
      Path dest = tmp.resolve("dest");
      Result restore = cli.run("restore", bucket, dest.toString());
      assertEquals(0, restore.exitCode(), restore.toString());
      assertEquals("through the proxy", Files.readString(dest.resolve("sub dir/a.txt")));
      assertEquals((6 << 20) + 3, Files.size(dest.resolve("sub dir/big.bin")));
      assertTrue(proxy.requests().stream().anyMatch(r -> r.contains("http://s3.invalid:")),
          proxy.requests().toString());
    }
  }

  @Test
  void noProxySendsAHostPastTheProxy() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    try (ForwardProxy proxy = new ForwardProxy().route("s3.invalid", server.endpoint())) {
      long start = System.nanoTime();
      Result r = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")), hiddenEndpoint(server))
          .env("HTTP_PROXY", proxy.url()).env("NO_PROXY", ".invalid").run("proxy-bypassed", tree().toString());
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.err().contains("unknown host"), r.err());
      assertTrue(proxy.requests().isEmpty(), proxy.requests().toString());
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "no retries for a host that does not exist");
    }
  }
}
