package p3backup.storage.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK exceptions into {@link StorageException}s whose messages say what to do. */
final class S3Errors {
  private S3Errors() {}

  static StorageException translate(RuntimeException e, String what, String endpoint) {
    if (e instanceof StorageException se) {
      return se;
    }
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      String text = s3.awsErrorDetails() == null ? s3.getMessage() : s3.awsErrorDetails().errorMessage();
      int status = s3.statusCode();
      if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
          || "ExpiredToken".equals(code) || "InvalidToken".equals(code)) {
        return new StorageException(Kind.CREDENTIALS, what + ": the server rejected the credentials ("
            + code + "): check them with `aws configure` or choose another --profile", e);
      }
      if ("NoSuchBucket".equals(code)) {
        return new StorageException(Kind.NO_SUCH_BUCKET, what + ": the bucket does not exist", e);
      }
      if (status == 404 || "NoSuchKey".equals(code) || "NoSuchVersion".equals(code)) {
        return new StorageException(Kind.NOT_FOUND, what + ": not found", e);
      }
      if (status == 403 || "AccessDenied".equals(code)) {
        return new StorageException(Kind.ACCESS_DENIED, what + ": access denied"
            + (code != null ? " (" + code + ")" : "")
            + ": check the credentials' permissions, or choose another --profile", e);
      }
      if (status == 501 || "NotImplemented".equals(code)) {
        return new StorageException(Kind.NOT_IMPLEMENTED, what + ": not implemented by this server", e);
      }
      if ("BucketAlreadyExists".equals(code)) {
        return new StorageException(Kind.BUCKET_TAKEN, what
            + ": the bucket name is taken by another account: choose another name", e);
      }
      String detail = (code != null ? code : "HTTP " + status) + (text != null ? ": " + text : "");
      if (status >= 500) {
        return new StorageException(Kind.SERVER, what + ": the server failed after retries ("
            + detail + "): try again later", e);
      }
      return new StorageException(Kind.CLIENT, what + ": " + detail, e);
    }
    if (e instanceof SdkClientException || e instanceof UncheckedIOException) {
      Throwable root = rootCause(e);
      String where = endpoint == null ? "S3" : endpoint;
      if (root instanceof javax.net.ssl.SSLException || root instanceof java.security.cert.CertificateException
          || root instanceof java.security.cert.CertPathValidatorException
          || root.getClass().getName().endsWith("SunCertPathBuilderException")) {
        return new StorageException(Kind.NETWORK, what + ": the TLS certificate of " + where
            + " is not trusted (" + root.getMessage() + "): p3backup never turns certificate"
            + " checks off; add the server's CA to the Java trust store, or use http:// for a"
            + " server on this machine", e);
      }
      if (root instanceof ConnectException) {
        return new StorageException(Kind.NETWORK, what + ": cannot connect to " + where
            + " (" + root.getMessage() + "): check --endpoint-url and that the server is running", e);
      }
      if (root instanceof UnknownHostException) {
        return new StorageException(Kind.NETWORK, what + ": unknown host " + root.getMessage()
            + ": check --endpoint-url, --region and the network", e);
      }
      if (root instanceof SocketTimeoutException) {
        return new StorageException(Kind.NETWORK, what + ": " + where
            + " did not answer in time: check the network and try again", e);
      }
      if (root instanceof IOException) {
        return new StorageException(Kind.NETWORK, what + ": network error talking to " + where
            + " (" + root.getMessage() + "): try again", e);
      }
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (garbled(e)) {
        return new StorageException(Kind.NETWORK, what + ": the answer from " + where
            + " was cut short or garbled: try again", e);
      }
      if (m.contains("Unable to load credentials") || m.contains("credentials")) {
        return noCredentials(e);
      }
      return new StorageException(Kind.CLIENT, what + ": " + firstLine(m), e);
    }
    if (e instanceof SdkException) {
      return new StorageException(Kind.CLIENT, what + ": " + firstLine(String.valueOf(e.getMessage())), e);
    }
    throw e;
  }

  /** An answer cut short in its headers: the connection broke, worth another try. */
  static boolean garbled(Throwable e) {
    return e instanceof SdkClientException && e.getMessage() != null
        && e.getMessage().contains("Unable to unmarshall response");
  }

  static StorageException noCredentials(Throwable cause) {
    return new StorageException(Kind.CREDENTIALS, "no AWS credentials found: run `aws configure`,"
        + " set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", cause);
  }

  private static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
