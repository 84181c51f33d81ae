package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.storage.Body;
import p3backup.storage.BucketSetup;
import p3backup.storage.BucketState;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectStore;
import p3backup.storage.StorageException;

/**
 * The S3 adapter against a scripted server: what its requests carry, and what it does with
 * throttling, server errors, a clock off the server's, bodies cut short, kept-alive connections.
 */
class S3ObjectStoreHttpTest {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path home;
  private HttpServer server;
  private ObjectStore store;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile Handler handler;

  /** A request as the server saw it. */
  record Seen(String method, URI uri, Map<String, List<String>> headers, byte[] body, InetSocketAddress from) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  interface Handler {
    void handle(HttpExchange x, int n) throws IOException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      try (x) {
        byte[] body = x.getRequestBody().readAllBytes();
        seen.add(new Seen(x.getRequestMethod(), x.getRequestURI(), Map.copyOf(x.getRequestHeaders()), body,
            x.getRemoteAddress()));
        handler.handle(x, requests.incrementAndGet());
      }
    });
    server.start();
    store = S3ObjectStore.open(new S3Settings(null, "us-east-1",
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "SECRET",
            "AWS_EC2_METADATA_DISABLED", "true"), home, 4));
  }

  @AfterEach
  void stop() {
    store.close();
    server.stop(0);
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, b.length == 0 || head ? -1 : b.length);
    if (b.length > 0 && !head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private static String error(String code) {
    return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>m</Message></Error>";
  }

  private static final ObjectAttributes PLAIN = new ObjectAttributes("text/plain", Map.of("mtime", "1.5"), null, null, null);

  @Test
  void aPathStyleRequestIsSignedWithItsKeyEncodedOnce() throws IOException {
    handler = (x, n) -> answer(x, 200, "hello");
    try (InputStream in = store.get("bkt", "dir/a b+c.txt", "v/1")) {
      assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Seen s = seen.get(0);
    assertEquals("/bkt/dir/a%20b%2Bc.txt", s.uri().getRawPath());
    assertEquals("versionId=v%2F1", s.uri().getRawQuery());
    String auth = s.header("Authorization");
    assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKID/") && auth.contains("/us-east-1/s3/aws4_request"),
        auth);
  }

  @Test
  void anUploadCarriesTheGivenChecksumAndNoOtherAndNoExpectForASmallBodyAndIsNotHashedAgain() {
    handler = (x, n) -> {
      x.getResponseHeaders().add("x-amz-version-id", "v1");
      answer(x, 200, "");
    };
    byte[] data = "bytes".getBytes(StandardCharsets.UTF_8);
    byte[] sha = p3backup.scan.Digests.sha256().digest(data);
    assertEquals("v1", store.put("bkt", "k", new Body(data, 0, data.length, sha, null), PLAIN).versionId());
    Seen s = seen.get(0);
    assertEquals(java.util.Base64.getEncoder().encodeToString(sha), s.header("x-amz-checksum-sha256"));
    assertNull(s.header("x-amz-checksum-crc32"));
    assertNull(s.header("Expect"));
    assertNull(s.header("Content-Encoding"));
    assertEquals("1.5", s.header("x-amz-meta-mtime"));
    assertEquals("UNSIGNED-PAYLOAD", s.header("x-amz-content-sha256"), "the body is not hashed a second time");
    assertTrue(s.header("Authorization").contains("x-amz-content-sha256"), s.header("Authorization"));
    assertEquals("bytes", new String(s.body(), StandardCharsets.UTF_8));
  }

  @Test
  void aPartCarriesItsCrc32c() {
    handler = (x, n) -> {
      if (x.getRequestURI().getRawQuery().equals("uploads")) {
        answer(x, 200, "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>");
      } else {
        x.getResponseHeaders().add("ETag", "\"e1\"");
        answer(x, 200, "");
      }
    };
    byte[] data = "part".getBytes(StandardCharsets.UTF_8);
    Body part = Body.withCrc32c(data, 0, data.length);
    store.startMultipart("bkt", "big", PLAIN).uploadPart(1, part);
    assertEquals("CRC32C", seen.get(0).header("x-amz-checksum-algorithm"));
    assertEquals(part.crc32cBase64(), seen.get(1).header("x-amz-checksum-crc32c"));
    assertNull(seen.get(1).header("x-amz-checksum-crc32"));
  }

  @Test
  void deletionsCarryContentMd5() {
    handler = (x, n) -> answer(x, 200, "<DeleteResult></DeleteResult>");
    assertTrue(store.delete("bkt", List.of("a", "b")).isEmpty());
    assertTrue(seen.get(0).header("Content-MD5") != null, seen.get(0).headers().toString());
  }

  @Test
  void throttlingIsRetriedUntilTheServerRecovers() {
    handler = (x, n) -> answer(x, n <= 2 ? 503 : 200, n <= 2 ? error("SlowDown") : "");
    assertEquals(BucketState.EXISTS, store.bucketState("bkt"));
    assertEquals(3, requests.get());
  }

  @Test
  void aServerErrorOnAnUploadIsRetriedWithTheWholeBody() {
    handler = (x, n) -> answer(x, n == 1 ? 500 : 200, n == 1 ? error("InternalError") : "");
    byte[] data = "again".getBytes(StandardCharsets.UTF_8);
    store.put("bkt", "k", new Body(data, 0, data.length, p3backup.scan.Digests.sha256().digest(data), null), PLAIN);
    assertEquals(2, requests.get());
    assertEquals("again", new String(seen.get(1).body(), StandardCharsets.UTF_8));
  }

  @Test
  void notImplementedIsAnsweredAtOnceNotRetried() {
    handler = (x, n) -> {
      boolean versioning = "versioning".equals(x.getRequestURI().getRawQuery());
      answer(x, versioning ? 501 : 200, versioning ? error("NotImplemented") : "");
    };
    List<String> warnings = store.createBucket("bkt", new BucketSetup(true));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("versioning") && w.contains("NotImplemented")),
        warnings.toString());
    assertEquals(1, seen.stream().filter(s -> "versioning".equals(s.uri().getRawQuery())).count());
  }

  @Test
  void aClockOffTheServersIsCorrectedFromItsDate() throws IOException {
    // A server whose clock is an hour ahead of this machine's, and says so in its Date header
    // (the JDK's HttpServer writes its own): raw HTTP/1.1 on a socket.
    AtomicInteger asked = new AtomicInteger();
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        while (!listener.isClosed()) {
          try (Socket c = listener.accept()) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                StandardCharsets.ISO_8859_1));
            OutputStream out = c.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
              String method = line.split(" ")[0];
              String date = null;
              for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                if (h.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-date:")) {
                  date = h.substring(11).trim();
                }
              }
              asked.incrementAndGet();
              Instant serverNow = Instant.now().plusSeconds(3600);
              boolean skewed = date == null
                  || Math.abs(Instant.from(AMZ_DATE.parse(date)).getEpochSecond() - serverNow.getEpochSecond()) > 300;
              // HEAD: a bare 403, no error code
              String body = method.equals("HEAD") ? "" : skewed ? error("RequestTimeTooSkewed") : "x";
              out.write(("HTTP/1.1 " + (skewed ? "403 Forbidden" : "200 OK") + "\r\nDate: "
                  + DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atZone(ZoneOffset.UTC))
                  + "\r\nContent-Length: " + (method.equals("HEAD") ? 1 : body.length())
                  + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
            }
          } catch (IOException | RuntimeException e) {
            // the next connection
          }
        }
      });
      t.setDaemon(true);
      t.start();
      for (String method : new String[] {"GET", "HEAD"}) {
        asked.set(0);
        try (ObjectStore skewed = S3ObjectStore.open(new S3Settings(null, "us-east-1",
            URI.create("http://127.0.0.1:" + listener.getLocalPort()),
            Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "SECRET"), home, 4))) {
          if (method.equals("GET")) {
            try (InputStream in = skewed.get("bkt", "k", null)) {
              assertEquals("x", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          } else {
            skewed.head("bkt", "k");
          }
        }
        assertTrue(asked.get() <= 2, method + ": " + asked.get() + " requests");
      }
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
      try (InputStream in = store.get("bkt", "k", null)) {
        in.readAllBytes();
      }
    });
    assertTrue(e.getMessage() != null, "says what happened");
  }

  @Test
  void chunkedAnswersAreReadWholeAndTheConnectionIsKept() {
    handler = (x, n) -> {
      x.sendResponseHeaders(200, 0); // no length: the JDK server sends chunks
      try (OutputStream out = x.getResponseBody()) {
        out.write(("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>"
            + "k".repeat(70_000) + n + "</Key><Size>1</Size></Contents></ListBucketResult>")
            .getBytes(StandardCharsets.UTF_8));
      }
    };
    for (int i = 1; i <= 3; i++) {
      List<String> keys = new java.util.ArrayList<>();
      store.list("bkt", "", o -> keys.add(o.key()));
      assertEquals(List.of("k".repeat(70_000) + i), keys);
    }
    assertEquals(1, seen.stream().map(Seen::from).distinct().count(),
        "one kept-alive connection for the three requests");
  }

  @Test
  void countedStreamsCompareWithTheAnnouncedLength() throws IOException {
    InputStream shortOne = new S3ObjectStore.Counted(new java.io.ByteArrayInputStream(new byte[5]), 8);
    IOException e = assertThrows(IOException.class, shortOne::readAllBytes);
    assertTrue(e.getMessage().contains("5 of 8"), e.getMessage());
    try (InputStream whole = new S3ObjectStore.Counted(new java.io.ByteArrayInputStream(new byte[8]), 8)) {
      assertEquals(8, whole.readAllBytes().length);
    }
  }
}
