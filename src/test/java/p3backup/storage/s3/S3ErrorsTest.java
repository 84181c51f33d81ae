package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

  static S3Exception answer(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("text").build()).build();
  }

  static SdkClientException failed(IOException cause) {
    return SdkClientException.create("Unable to execute HTTP request: " + cause.getMessage(), cause);
  }

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
    StorageException e = S3Errors.translate(answer(status, code), "upload a", "http://h");
    assertEquals(kind, e.kind(), e.getMessage());
    assertTrue(e.getMessage().startsWith("upload a: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "503, SlowDown,            true",
      "500, InternalError,       true",
      "502, -,                   true",
      "400, RequestTimeout,      true",
      "403, RequestTimeTooSkewed, true",
      "404, NoSuchKey,           false",
      "403, AccessDenied,        false",
      "403, SignatureDoesNotMatch, false",
      "501, NotImplemented,      false",
  })
  void whichAnswersAreRetried(int status, String code, boolean retried) {
    assertEquals(retried, S3Errors.retryable(answer(status, code), false));
  }

  @Test
  void aBucketInAnotherRegionNamesIt() {
    StorageException e = S3Errors.status(301, "PermanentRedirect", null, "list b", "eu-west-1", null);
    assertTrue(e.getMessage().contains("(eu-west-1)") && e.getMessage().contains("--region"),
        e.getMessage());
  }

  @Test
  void serverFailuresSayTheyWereRetried() {
    StorageException e = S3Errors.status(503, "SlowDown", "Please reduce your request rate.", "upload a", null, null);
    assertTrue(e.getMessage().contains("after retries") && e.getMessage().contains("SlowDown"), e.getMessage());
  }

  @Test
  void untrustedCertificatesAreNotRetriedAndSaySo() {
    IOException tls = new SSLHandshakeException("PKIX path building failed");
    tls.initCause(new CertificateException("unable to find valid certification path"));
    assertFalse(S3Errors.retryable(failed(tls), false));
    StorageException e = S3Errors.translate(failed(tls), "list b", "https://h");
    assertEquals(Kind.NETWORK, e.kind());
    assertTrue(e.getMessage().contains("not trusted") && e.getMessage().contains("AWS_CA_BUNDLE"),
        e.getMessage());
  }

  @Test
  void brokenConnectionsAreRetriedAndNamed() {
    assertTrue(S3Errors.retryable(failed(new ConnectException("Connection refused")), false));
    assertTrue(S3Errors.retryable(failed(new SocketTimeoutException("Read timed out")), true));
    assertTrue(S3Errors.retryable(new UncheckedIOException(new IOException("reset")), false));
    assertTrue(S3Errors.translate(failed(new ConnectException("Connection refused")), "x", "http://h:1")
        .getMessage().contains("cannot connect to http://h:1"));
    assertTrue(S3Errors.translate(failed(new SocketTimeoutException("Read timed out")), "x", "http://h:1")
        .getMessage().contains("did not answer in time"));
  }

  @Test
  void aServerThatNeverAnsweredIsNotRetriedWhenItRefusesOrHasNoAddress() {
    assertFalse(S3Errors.retryable(failed(new ConnectException("Connection refused")), true));
    assertFalse(S3Errors.retryable(failed(new UnknownHostException("s3.invalid")), true));
    assertTrue(S3Errors.translate(failed(new UnknownHostException("s3.invalid")), "x", null)
        .getMessage().contains("HTTPS_PROXY"));
  }
}
