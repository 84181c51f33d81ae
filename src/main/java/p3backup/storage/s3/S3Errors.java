package p3backup.storage.s3;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;

/** Turns S3's error answers and network failures into {@link StorageException}s that say what to do. */
final class S3Errors {
  private S3Errors() {}

  /**
   * An error answer, after retries.
   *
   * @param code S3's error code from the answer's document, or null (HEAD answers have none)
   * @param bucketRegion the x-amz-bucket-region header, or null
   */
  static StorageException status(int status, String code, String text, String what,
      String endpoint, String bucketRegion) {
    String detail = (code != null ? code : "HTTP " + status) + (text != null ? ": " + text : "");
    S3Failure cause = new S3Failure(status, code, detail);
    if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
        || "ExpiredToken".equals(code) || "InvalidToken".equals(code)) {
      return new StorageException(Kind.CREDENTIALS, what + ": the server rejected the credentials ("
          + code + "): check them with `aws configure` or choose another --profile", cause);
    }
    if ("NoSuchBucket".equals(code)) {
      return new StorageException(Kind.NO_SUCH_BUCKET, what + ": the bucket does not exist", cause);
    }
    if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
      return new StorageException(Kind.CLIENT, what + ": the bucket is in another region"
          + (bucketRegion != null ? " (" + bucketRegion + ")" : "") + ": give its region with --region",
          cause);
    }
    if (status == 404 || "NoSuchKey".equals(code) || "NoSuchVersion".equals(code)) {
      return new StorageException(Kind.NOT_FOUND, what + ": not found", cause);
    }
    if (status == 403 || "AccessDenied".equals(code)) {
      return new StorageException(Kind.ACCESS_DENIED, what + ": access denied"
          + (code != null ? " (" + code + ")" : "")
          + ": check the credentials' permissions, or choose another --profile", cause);
    }
    if (status == 501 || "NotImplemented".equals(code)) {
      return new StorageException(Kind.NOT_IMPLEMENTED, what + ": not implemented by this server", cause);
    }
    if ("BucketAlreadyExists".equals(code)) {
      return new StorageException(Kind.BUCKET_TAKEN, what
          + ": the bucket name is taken by another account: choose another name", cause);
    }
    if (status >= 500) {
      return new StorageException(Kind.SERVER, what + ": the server failed after retries ("
          + detail + "): try again later", cause);
    }
    return new StorageException(Kind.CLIENT, what + ": " + detail, cause);
  }

  /** Whether a failed exchange may succeed when sent again. */
  static boolean retryable(IOException e) {
    return !(e instanceof SSLException && isCertificateProblem(e));
  }

  /** A failed exchange, after retries. */
  static StorageException network(IOException e, String what, String endpoint) {
    String where = endpoint == null ? "S3" : endpoint;
    if (isCertificateProblem(e)) {
      return new StorageException(Kind.NETWORK, what + ": the TLS certificate of " + where
          + " is not trusted (" + rootCause(e).getMessage() + "): p3backup never turns certificate"
          + " checks off; add the server's CA to the Java trust store, or use http:// for a"
          + " server on this machine", e);
    }
    Throwable root = rootCause(e);
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
    return new StorageException(Kind.NETWORK, what + ": network error talking to " + where
        + " (" + root.getMessage() + "): try again", e);
  }

  private static boolean isCertificateProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.security.cert.CertificateException
          || t instanceof java.security.cert.CertPathValidatorException
          || t.getClass().getName().endsWith("SunCertPathBuilderException")) {
        return true;
      }
    }
    return false;
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

  /** What the server answered, kept as the cause of a {@link StorageException}. */
  static final class S3Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    S3Failure(int status, String code, String detail) {
      super("HTTP " + status + " " + detail, null, false, false);
      this.status = status;
      this.code = code;
    }
  }
}
