package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The HTTP side of {@link S3Rest} against a scripted server: retries, clock skew, short bodies. */
class S3RestTest {
  private HttpServer server;
  private S3Rest rest;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<HttpExchange> seen = new CopyOnWriteArrayList<>();
  private volatile Handler handler;

  interface Handler {
    void handle(HttpExchange x, int n) throws IOException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      seen.add(x);
      try (x) {
        x.getRequestBody().readAllBytes();
        handler.handle(x, requests.incrementAndGet());
      }
    });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    rest = new S3Rest(endpoint, "us-east-1",
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private static String error(String code) {
    return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>m</Message></Error>";
  }

  @Test
  void signsAPathStyleRequestWithItsKeyEncodedOnce() throws IOException {
    handler = (x, n) -> answer(x, 200, "hello");
    try (S3Rest.Response r = rest.ok(new S3Rest.Call("GET", "bkt", "dir/a b+c.txt")
        .query("versionId", "v/1"), "download")) {
      assertEquals("hello", r.text());
    }
    HttpExchange x = seen.get(0);
    assertEquals("/bkt/dir/a%20b%2Bc.txt", x.getRequestURI().getRawPath());
    assertEquals("versionId=v%2F1", x.getRequestURI().getRawQuery());
    assertEquals("127.0.0.1:" + server.getAddress().getPort(), x.getRequestHeaders().getFirst("Host"));
    assertEquals(SigV4.EMPTY_SHA256, x.getRequestHeaders().getFirst("x-amz-content-sha256"));
    String auth = x.getRequestHeaders().getFirst("Authorization");
    assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKID/") && auth.contains("/us-east-1/s3/aws4_request")
        && auth.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date"), auth);
  }

  @Test
  void throttlingIsRetriedUntilTheServerRecovers() throws IOException {
    handler = (x, n) -> answer(x, n <= 2 ? 503 : 200, n <= 2 ? error("SlowDown") : "");
    try (S3Rest.Response r = rest.exchange(new S3Rest.Call("HEAD", "bkt", "k"), "read k")) {
      assertEquals(200, r.status);
    }
    assertEquals(3, requests.get());
  }

  @Test
  void notImplementedIsAnsweredAtOnceNotRetried() {
    handler = (x, n) -> answer(x, 501, error("NotImplemented"));
    try (S3Rest.Response r = rest.exchange(new S3Rest.Call("PUT", "bkt", null).query("lifecycle", null)
        .document("<LifecycleConfiguration/>"), "set up")) {
      assertEquals(501, r.status);
      assertEquals("NotImplemented", r.code);
    }
    assertEquals(1, requests.get());
  }

  @Test
  void aClockOffTheServersIsCorrectedFromItsDate() throws IOException {
    DateTimeFormatter amz = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    handler = (x, n) -> {
      Instant sent = Instant.from(amz.parse(x.getRequestHeaders().getFirst("x-amz-date")));
      boolean skewed = Math.abs(sent.getEpochSecond() - Instant.now().getEpochSecond()) > 60;
      answer(x, skewed ? 403 : 200, skewed ? error("RequestTimeTooSkewed") : "");
    };
    for (String method : new String[] {"GET", "HEAD"}) { // HEAD: a bare 403, no error code
      requests.set(0);
      rest.clockOffsetMillis = -3_600_000; // this machine's clock an hour behind the server's
      try (S3Rest.Response r = rest.exchange(new S3Rest.Call(method, "bkt", "k"), "read k")) {
        assertEquals(200, r.status, method);
      }
      assertEquals(2, requests.get(), method);
      assertTrue(Math.abs(rest.clockOffsetMillis) < 5_000, "corrected: " + rest.clockOffsetMillis);
    }
  }

  @Test
  void aBodyCutShortFailsInsteadOfEndingQuietly() {
    handler = (x, n) -> {
      x.sendResponseHeaders(200, 1000);
      OutputStream out = x.getResponseBody();
      out.write(new byte[10]);
      out.flush();
      x.getHttpContext().getServer().stop(0); // drops the connection part way
    };
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = rest.ok(new S3Rest.Call("GET", "bkt", "k"), "download k").stream()) {
        in.readAllBytes();
      }
    });
    assertTrue(e.getMessage() != null, "says what happened");
  }

  @Test
  void chunkedAnswersAreReadWholeAndTheConnectionIsKept() throws IOException {
    handler = (x, n) -> {
      x.sendResponseHeaders(200, 0); // no length: the JDK server sends chunks
      try (OutputStream out = x.getResponseBody()) {
        out.write(("<a>" + "x".repeat(70_000) + n + "</a>").getBytes(StandardCharsets.UTF_8));
      }
    };
    for (int i = 1; i <= 3; i++) {
      String text = rest.document(new S3Rest.Call("GET", "bkt", null).query("list-type", "2"), "list");
      assertEquals(70_000 + 8, text.length());
      assertTrue(text.endsWith(i + "</a>"), text.substring(text.length() - 10));
    }
    assertEquals(1, seen.stream().map(HttpExchange::getRemoteAddress).distinct().count(),
        "one kept-alive connection for the three requests");
  }

  @Test
  void countedStreamsCompareWithTheAnnouncedLength() throws IOException {
    InputStream shortOne = new S3Rest.Counted(new java.io.ByteArrayInputStream(new byte[5]), 8);
    IOException e = assertThrows(IOException.class, shortOne::readAllBytes);
    assertTrue(e.getMessage().contains("5 of 8"), e.getMessage());
    try (InputStream whole = new S3Rest.Counted(new java.io.ByteArrayInputStream(new byte[8]), 8)) {
      assertEquals(8, whole.readAllBytes().length);
    }
  }
}
