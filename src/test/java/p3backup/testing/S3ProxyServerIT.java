package p3backup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class S3ProxyServerIT {

  @ParameterizedTest
  @EnumSource(S3ProxyServer.Provider.class)
  void startedServerAnswersHttpAndCloseRemovesItsTempDir(S3ProxyServer.Provider provider)
      throws Exception {
    Path storeDir;
    try (S3ProxyServer server = S3ProxyServer.start(provider)) {
      storeDir = server.storeDir();
      assertEquals(provider, server.provider());
      assertEquals("127.0.0.1", server.endpoint().getHost());
      assertTrue(Files.isDirectory(storeDir));

      int status = unsignedGetStatus(server);
      // An anonymous request is refused: an S3 error status means the server is up.
      assertTrue(status >= 200 && status < 500, "unexpected HTTP status " + status);
    }
    assertFalse(Files.exists(storeDir), "temp dir left behind: " + storeDir);
  }

  @ParameterizedTest
  @EnumSource(S3ProxyServer.Provider.class)
  void sharedServerIsStartedOnceAndSurvivesClose(S3ProxyServer.Provider provider)
      throws Exception {
    S3ProxyServer first = S3ProxyServer.shared(provider);
    first.close();
    S3ProxyServer second = S3ProxyServer.shared(provider);
    assertSame(first, second);
    int status = unsignedGetStatus(second);
    assertTrue(status >= 200 && status < 500, "unexpected HTTP status " + status);
  }

  private static int unsignedGetStatus(S3ProxyServer server) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(server.endpoint().resolve("/"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
