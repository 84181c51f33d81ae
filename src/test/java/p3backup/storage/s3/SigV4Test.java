package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Signatures checked against AWS's published S3 examples and against the AWS SDK's signer. */
class SigV4Test {
  private static final String AK = "AKIAIOSFODNN7EXAMPLE";
  private static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String DATE = "20130524T000000Z";

  private static String signature(String authorization) {
    return authorization.substring(authorization.indexOf("Signature=") + 10);
  }

  @Test
  void awsExampleGetObjectWithRange() {
    TreeMap<String, String> h = new TreeMap<>(Map.of(
        "host", "examplebucket.s3.amazonaws.com",
        "range", "bytes=0-9",
        "x-amz-content-sha256", SigV4.EMPTY_SHA256,
        "x-amz-date", DATE));
    String auth = new SigV4("us-east-1", "s3").authorization("GET", "/test.txt", "", h,
        SigV4.EMPTY_SHA256, DATE, AK, SK);
    assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", auth);
  }

  @Test
  void awsExampleListObjects() {
    TreeMap<String, String> q = new TreeMap<>(Map.of("max-keys", "2", "prefix", "J"));
    TreeMap<String, String> h = new TreeMap<>(Map.of(
        "host", "examplebucket.s3.amazonaws.com",
        "x-amz-content-sha256", SigV4.EMPTY_SHA256,
        "x-amz-date", DATE));
    String auth = new SigV4("us-east-1", "s3").authorization("GET", "/", SigV4.canonicalQuery(q), h,
        SigV4.EMPTY_SHA256, DATE, AK, SK);
    assertEquals("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", signature(auth));
  }

  @Test
  void encodesAsS3Wants() {
    assertEquals("a%20b/c%2Bd/%C3%BC~_.-", SigV4.encode("a b/c+d/ü~_.-", true));
    assertEquals("a%20b%2Fc", SigV4.encode("a b/c", false));
    assertEquals("plain", SigV4.encode("plain", false));
    assertEquals("%5C%2A%25", SigV4.encode("\\*%", true));
  }

  /**
   * The same request signed here and by the SDK's signer, as S3 wants it (single-encoded path,
   * unsigned payload). The SDK is given an https address: over http it signs payloads whatever
   * it is told, while the Host header, and so the signature, is the same either way.
   */
  @Test
  void matchesTheSdkSigner() {
    String key = "dir one/ü+x&y=z.txt";
    String path = "/my-bucket/" + SigV4.encode(key, true);
    TreeMap<String, String> query = new TreeMap<>();
    query.put("partNumber", "3");
    query.put("uploadId", SigV4.encode("a/b+c==", false));
    String date = "20261126T101112Z";
    TreeMap<String, String> headers = new TreeMap<>(Map.of(
        "host", "127.0.0.1:9000",
        "content-type", "text/plain",
        "content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==",
        "x-amz-meta-mtime", "1700000000.5",
        "x-amz-date", date,
        "x-amz-security-token", "tok/en+=",
        "x-amz-content-sha256", SigV4.UNSIGNED_PAYLOAD));
    String ours = new SigV4("eu-west-3", "s3").authorization("PUT", path,
        SigV4.canonicalQuery(query), headers, SigV4.UNSIGNED_PAYLOAD, date, AK, SK);

    SdkHttpRequest.Builder req = SdkHttpRequest.builder().method(SdkHttpMethod.PUT)
        .uri(URI.create("https://127.0.0.1:9000" + path))
        .putRawQueryParameter("partNumber", "3").putRawQueryParameter("uploadId", "a/b+c==");
    headers.forEach((k, v) -> {
      if (!k.equals("x-amz-date") && !k.equals("x-amz-content-sha256")) {
        req.putHeader(k, v);
      }
    });
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:11:12Z"), ZoneOffset.UTC);
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create(AK, SK))
        .request(req.build())
        .payload(ContentStreamProvider.fromInputStreamSupplier(() -> new ByteArrayInputStream(new byte[0])))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-3")
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
    List<String> sdk = signed.request().headers().get("Authorization");
    assertEquals(sdk.get(0), ours);
  }
}
