package p3backup.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import p3backup.storage.Retries;
import p3backup.storage.RetryListener;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * S3's REST protocol over {@link Http}: addressing (path style on a given
 * endpoint, virtual-hosted style on AWS), SigV4 signing, retries with backoff, and S3's error
 * documents. A request costs a few microseconds of CPU here beyond the HTTP exchange itself,
 * which matters when a backup is ten thousand small PUTs.
 *
 * <p>Retried: broken or refused connections, timeouts, 5xx answers, throttling and a clock
 * too far off the server's (then corrected by the server's Date). A body being read by the
 * caller is not retried here: a download cut short throws from its stream, and the caller
 * repeats the transfer.
 */
final class S3Rest {
  static final int ATTEMPTS = 10;
  private static final long BASE_DELAY_MS = 100;
  private static final long THROTTLED_BASE_DELAY_MS = 500;
  private static final long MAX_DELAY_MS = 20_000;
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  /** The last x-amz-date made, for the second it names: most requests reuse it. */
  private record Stamp(long second, String text) {}

  private static volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

  private final Http http;
  private final URI endpoint;
  /** The endpoint's own path, prefixed to every request's (without a trailing slash). */
  private final String basePath;
  private final String region;
  private final String domain;
  private final AwsCredentialsProvider credentials;
  private final SigV4 signer;
  private final String endpointText;
  /** How far the server's clock is ahead of ours, learnt from a RequestTimeTooSkewed answer. */
  volatile long clockOffsetMillis;
  /** Told of each retry, and of a request that got through after some. */
  volatile RetryListener retries = RetryListener.NONE;

  /**
   * @param endpoint a server to talk to in path style, or null for AWS's regional endpoints
   */
  S3Rest(URI endpoint, String region, AwsCredentialsProvider credentials) {
    this(endpoint, region, credentials, 16);
  }

  /**
   * @param endpoint a server to talk to in path style, or null for AWS's regional endpoints
   * @param connections how many idle connections to keep per host
   */
  S3Rest(URI endpoint, String region, AwsCredentialsProvider credentials, int connections) {
    this.http = new Http(connections);
    this.endpoint = endpoint;
    String p = endpoint == null || endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    this.region = region;
    this.domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    this.credentials = credentials;
    this.signer = new SigV4(region, "s3");
    this.endpointText = endpoint == null ? "S3 in " + region : endpoint.toString();
  }

  String endpointText() {
    return endpointText;
  }

  /** Closes the idle connections. */
  void close() {
    http.close();
  }

  /** One request to make: what it acts on, its query, headers and body. */
  static final class Call {
    final String method;
    final String bucket;
    final String key;
    final TreeMap<String, String> query = new TreeMap<>();
    final TreeMap<String, String> headers = new TreeMap<>();
    byte[] body;
    int offset;
    int length;
    String payloadHash;

    /**
     * @param bucket the bucket, or null for the account's buckets
     * @param key the object's key, or null for the bucket itself
     */
    Call(String method, String bucket, String key) {
      this.method = method;
      this.bucket = bucket;
      this.key = key;
    }

    /** A query parameter; a null value makes a bare name such as {@code ?uploads}. */
    Call query(String name, String value) {
      query.put(SigV4.encode(name, false), value == null ? "" : SigV4.encode(value, false));
      return this;
    }

    /** A header to send and sign; a null value is left out. */
    Call header(String name, String value) {
      if (value != null) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
      }
      return this;
    }

    /**
     * The body. {@code sha256} (raw, may be null) becomes the signed payload hash; without it
     * the payload is sent unsigned and the caller sends its own checksum header.
     */
    Call body(byte[] bytes, int off, int len, byte[] sha256) {
      this.body = bytes;
      this.offset = off;
      this.length = len;
      this.payloadHash = sha256 != null ? SigV4.hex(sha256) : SigV4.UNSIGNED_PAYLOAD;
      return this;
    }

    /** A small body, hashed here and signed, with its Content-MD5. */
    Call document(String xml) {
      byte[] b = xml.getBytes(StandardCharsets.UTF_8);
      header("content-type", "application/xml");
      header("content-md5", java.util.Base64.getEncoder().encodeToString(md5(b)));
      return body(b, 0, b.length, SigV4.sha256(b));
    }
  }

  /** An answer: its status and headers, and its body to read (or already read, for errors). */
  static final class Response implements AutoCloseable {
    final int status;
    final String code;
    final String message;
    private final Http.Answer answer;

    private Response(Http.Answer answer, String code, String message) {
      this.status = answer.status;
      this.answer = answer;
      this.code = code;
      this.message = message;
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }

    String header(String name) {
      return answer.header(name.toLowerCase(Locale.ROOT));
    }

    long length() {
      return answer.length;
    }

    /** The x-amz-meta-* headers, names in lower case without the prefix. */
    Map<String, String> metadata() {
      Map<String, String> out = new HashMap<>();
      for (String[] h : answer.headers()) {
        if (h[0].startsWith("x-amz-meta-")) {
          out.putIfAbsent(h[0].substring(11), h[1]);
        }
      }
      return out;
    }

    Instant lastModified() {
      return parseTime(header("Last-Modified"));
    }

    /** The body, which fails when the connection ends before the length the answer gave. */
    InputStream stream() {
      return new Counted(answer.body, length());
    }

    /** The whole body as text (closing the answer). */
    String text() throws IOException {
      try (InputStream s = stream()) {
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() {
      try {
        answer.body.close();
      } catch (IOException ignored) {
        // the connection is dropped instead of reused
      }
    }
  }

  /** Sends a call, retrying what is worth retrying; the answer may be any status. */
  Response exchange(Call call, String what) {
    IOException lastFailure = null;
    for (int attempt = 1; ; attempt++) {
      Response r;
      try {
        r = attempt(call);
      } catch (IOException e) {
        lastFailure = e;
        if (attempt >= ATTEMPTS || !S3Errors.retryable(e)) {
          throw S3Errors.network(e, what, endpointText);
        }
        retries.retrying(RetryListener.cause(e), attempt + 1, ATTEMPTS);
        pause(attempt, false, what, e);
        continue;
      }
      if (r.ok() || r.status == 304) {
        if (attempt > 1) {
          retries.recovered();
        }
        return r;
      }
      // A clock too far from the server's: S3 says so, or for HEAD (no body) only refuses.
      boolean skew = "RequestTimeTooSkewed".equals(r.code) || "RequestExpired".equals(r.code);
      if ((skew || (r.status == 403 && r.code == null)) && attempt < ATTEMPTS) {
        Instant server = parseTime(r.header("Date"));
        long offset = server == null ? 0 : server.toEpochMilli() - System.currentTimeMillis();
        if (server != null && (skew || Math.abs(offset - clockOffsetMillis) > 60_000)) {
          clockOffsetMillis = offset;
          continue;
        }
      }
      boolean throttled = throttled(r.status, r.code);
      if (!retryable(r.status, r.code) || attempt >= ATTEMPTS) {
        return r;
      }
      retries.retrying(r.code != null ? r.code : "HTTP " + r.status, attempt + 1, ATTEMPTS);
      pause(attempt, throttled, what, lastFailure);
    }
  }

  static boolean throttled(int status, String code) {
    return status == 429 || status == 503 || "SlowDown".equals(code) || "Throttling".equals(code);
  }

  /** Whether an error answer may go away when the request is sent again. */
  static boolean retryable(int status, String code) {
    return throttled(status, code) || status == 500 || status == 502 || status == 504
        || "RequestTimeout".equals(code) || "InternalError".equals(code);
  }

  /** Sends a call and fails with a {@link StorageException} unless the answer is 2xx. */
  Response ok(Call call, String what) {
    Response r = exchange(call, what);
    if (!r.ok()) {
      throw S3Errors.status(r.status, r.code, r.message, what, endpointText, r.header("x-amz-bucket-region"));
    }
    return r;
  }

  /** Sends a call whose answer is a document, and returns its text. */
  String document(Call call, String what) {
    try (Response r = ok(call, what)) {
      return r.text();
    } catch (IOException e) {
      throw S3Errors.network(e, what, endpointText);
    }
  }

  /** Waits before attempt {@code attempt + 1}. */
  static void pause(int attempt, boolean throttled, String what, Exception cause) {
    try {
      Thread.sleep(Retries.delayMillis(attempt,
          throttled ? THROTTLED_BASE_DELAY_MS : BASE_DELAY_MS, MAX_DELAY_MS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(Kind.NETWORK, what + ": interrupted", cause);
    }
  }

  private Response attempt(Call call) throws IOException {
    AwsCredentials creds;
    try {
      creds = credentials.resolveCredentials();
    } catch (SdkException | IllegalStateException e) {
      throw S3Errors.noCredentials(e);
    }
    String amzDate = amzDate(System.currentTimeMillis() + clockOffsetMillis);
    TreeMap<String, String> signed = new TreeMap<>(call.headers);
    signed.put("host", host(call.bucket));
    signed.put("x-amz-date", amzDate);
    String payload = call.body != null ? call.payloadHash : SigV4.EMPTY_SHA256;
    signed.put("x-amz-content-sha256", payload);
    if (creds instanceof AwsSessionCredentials s) {
      signed.put("x-amz-security-token", s.sessionToken());
    }
    String query = SigV4.canonicalQuery(call.query);
    String path = path(call);
    String authorization = signer.authorization(call.method, path, query, signed, payload, amzDate,
        creds.accessKeyId(), creds.secretAccessKey());

    String host = signed.get("host");
    StringBuilder head = new StringBuilder(512);
    head.append(call.method).append(' ').append(path);
    if (!query.isEmpty()) {
      head.append('?').append(query);
    }
    head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    for (Map.Entry<String, String> h : signed.entrySet()) {
      if (!h.getKey().equals("host")) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
    }
    head.append("Authorization: ").append(authorization).append("\r\nUser-Agent: p3backup\r\n");
    boolean sends = call.body != null || call.method.equals("PUT") || call.method.equals("POST");
    if (sends) {
      if (!call.headers.containsKey("content-type")) {
        head.append("Content-Type: application/octet-stream\r\n");
      }
      head.append("Content-Length: ").append(call.body == null ? 0 : call.length).append("\r\n");
    }
    boolean tls = endpoint == null || "https".equalsIgnoreCase(endpoint.getScheme());
    String connectHost = endpoint == null ? host : endpoint.getHost();
    int port = endpoint == null || endpoint.getPort() < 0 ? (tls ? 443 : 80) : endpoint.getPort();
    Http.Answer a = http.exchange(tls, connectHost, port, call.method, head.toString(), call.body,
        call.offset, call.length);
    if (a.status >= 200 && a.status < 300) {
      return new Response(a, null, null);
    }
    String code = null;
    String message = null;
    try (InputStream err = a.body) {
      String doc = new String(err.readNBytes(256 * 1024), StandardCharsets.UTF_8);
      code = Xml.text(doc, "Code");
      message = Xml.text(doc, "Message");
    } catch (IOException e) {
      // the status alone says enough
    }
    return new Response(a, code, message);
  }

  /** The Host header: the port only when not the scheme's default. */
  String host(String bucket) {
    if (endpoint == null) {
      String s3 = "s3." + region + "." + domain;
      return bucket != null && virtualHosted(bucket) ? bucket + "." + s3 : s3;
    }
    int port = endpoint.getPort();
    int standard = "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    return endpoint.getHost() + (port != -1 && port != standard ? ":" + port : "");
  }

  /** The request path, percent-encoded: path style but for AWS buckets fit for a host name. */
  String path(Call call) {
    String key = call.key == null ? null : SigV4.encode(call.key, true);
    if (call.bucket == null) {
      return basePath + "/";
    }
    if (endpoint == null && virtualHosted(call.bucket)) {
      return "/" + (key == null ? "" : key);
    }
    return basePath + "/" + call.bucket + (key == null ? "" : "/" + key);
  }

  /** Whether AWS can address the bucket as a host name over TLS (no dots, DNS-safe). */
  static boolean virtualHosted(String bucket) {
    if (bucket.length() < 3 || bucket.length() > 63) {
      return false;
    }
    for (int i = 0; i < bucket.length(); i++) {
      char c = bucket.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0
          && i < bucket.length() - 1);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** x-amz-date's spelling of a time, yyyyMMdd'T'HHmmss'Z', without a formatter. */
  static String amzDate(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    Stamp last = stamp;
    if (last.second() == second) {
      return last.text();
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(16);
    pad(b, t.getYear(), 4);
    pad(b, t.getMonthValue(), 2);
    pad(b, t.getDayOfMonth(), 2);
    b.append('T');
    pad(b, t.getHour(), 2);
    pad(b, t.getMinute(), 2);
    pad(b, t.getSecond(), 2);
    String text = b.append('Z').toString();
    stamp = new Stamp(second, text);
    return text;
  }

  private static void pad(StringBuilder b, int v, int width) {
    String digits = Integer.toString(v);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    b.append(digits);
  }

  /**
   * A time as S3 spells it: ISO 8601 in listings ("yyyy-..."), an HTTP date in headers; null
   * when it is neither. The usual HTTP date, "Thu, 26 Nov 2026 15:18:45 GMT", is read by hand
   * (every download's Last-Modified); other spellings go to the JDK's RFC 1123 parser.
   */
  static Instant parseTime(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      if (text.length() > 4 && text.charAt(4) == '-') {
        return Instant.parse(text);
      }
      Instant plain = httpDate(text);
      return plain != null ? plain
          : ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** "EEE, dd MMM yyyy HH:mm:ss GMT" exactly, or null. */
  private static Instant httpDate(String s) {
    if (s.length() != 29 || s.charAt(3) != ',' || s.charAt(4) != ' ' || s.charAt(7) != ' '
        || s.charAt(11) != ' ' || s.charAt(16) != ' ' || s.charAt(19) != ':'
        || s.charAt(22) != ':' || !s.endsWith(" GMT")) {
      return null;
    }
    int month = MONTHS.indexOf(s.substring(8, 11));
    int day = digits(s, 5, 7);
    int year = digits(s, 12, 16);
    int hour = digits(s, 17, 19);
    int minute = digits(s, 20, 22);
    int second = digits(s, 23, 25);
    if (month < 0 || month % 3 != 0 || day < 0 || year < 0 || hour < 0 || minute < 0
        || second < 0) {
      return null;
    }
    return LocalDateTime.of(year, month / 3 + 1, day, hour, minute, second)
        .toInstant(ZoneOffset.UTC); // DateTimeException for a day or hour out of range
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static byte[] md5(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("MD5").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A body that ends in an IOException, not quietly, when the connection closes too early. */
  static final class Counted extends FilterInputStream {
    private final long expected;
    private long seen;

    Counted(InputStream in, long expected) {
      super(in);
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        checkEnd();
      } else {
        seen++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        checkEnd();
      } else {
        seen += n;
      }
      return n;
    }

    private void checkEnd() throws IOException {
      if (expected >= 0 && seen < expected) {
        throw new IOException("the connection closed after " + seen + " of " + expected + " bytes");
      }
    }
  }
}
