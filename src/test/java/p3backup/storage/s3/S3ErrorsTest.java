package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;

class S3ErrorsTest {

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "404, NoSuchKey,             NOT_FOUND",
      "404, -,                     NOT_FOUND",
      "404, NoSuchBucket,          NO_SUCH_BUCKET",
      "403, -,                     ACCESS_DENIED",
      "403, AccessDenied,          ACCESS_DENIED",
      "403, SignatureDoesNotMatch, CREDENTIALS",
      "403, InvalidAccessKeyId,    CREDENTIALS",
      "400, ExpiredToken,          CREDENTIALS",
      "501, NotImplemented,        NOT_IMPLEMENTED",
      "409, BucketAlreadyExists,   BUCKET_TAKEN",
      "503, SlowDown,              SERVER",
      "500, InternalError,         SERVER",
      "400, InvalidArgument,       CLIENT",
      "301, PermanentRedirect,     CLIENT",
  })
  void answersMapToKinds(int status, String code, Kind kind) {
    StorageException e = S3Errors.status(status, code, "text", "upload a", "http://h", null);
    assertEquals(kind, e.kind(), e.getMessage());
    assertTrue(e.getMessage().startsWith("upload a: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void aBucketInAnotherRegionNamesIt() {
    StorageException e = S3Errors.status(301, "PermanentRedirect", null, "list b", null, "eu-west-1");
    assertTrue(e.getMessage().contains("(eu-west-1)") && e.getMessage().contains("--region"),
        e.getMessage());
  }

  @Test
  void serverFailuresSayTheyWereRetried() {
    StorageException e = S3Errors.status(503, "SlowDown", "Please reduce your request rate.", "upload a", "h", null);
    assertTrue(e.getMessage().contains("after retries") && e.getMessage().contains("SlowDown"), e.getMessage());
  }

  @Test
  void untrustedCertificatesAreNotRetriedAndSaySo() {
    IOException tls = new SSLHandshakeException("PKIX path building failed");
    tls.initCause(new CertificateException("unable to find valid certification path"));
    assertFalse(S3Errors.retryable(tls));
    StorageException e = S3Errors.network(tls, "list b", "https://h");
    assertEquals(Kind.NETWORK, e.kind());
    assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
  }

  @Test
  void brokenConnectionsAreRetriedAndNamed() {
    assertTrue(S3Errors.retryable(new ConnectException("Connection refused")));
    assertTrue(S3Errors.retryable(new SocketTimeoutException("Read timed out")));
    assertTrue(S3Errors.network(new ConnectException("Connection refused"), "x", "http://h:1")
        .getMessage().contains("cannot connect to http://h:1"));
    assertTrue(S3Errors.network(new SocketTimeoutException("Read timed out"), "x", "http://h:1")
        .getMessage().contains("did not answer in time"));
  }
}
