package p3backup.storage.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns the SDK's exceptions into {@link StorageException}s that say what to do, and decides
 * which failures are worth another attempt.
 */
final class S3Errors {
  private S3Errors() {}

  /** S3's error code of a service exception, or null (HEAD answers carry none). */
  static String code(SdkServiceException e) {
    return e instanceof AwsServiceException a && a.awsErrorDetails() != null
        ? a.awsErrorDetails().errorCode() : null;
  }

  /** A failed request, after retries. */
  static StorageException translate(RuntimeException e, String what, String endpoint) {
    if (e instanceof StorageException se) {
      return se;
    }
    if (e instanceof SdkServiceException s) {
      String text = s instanceof AwsServiceException a && a.awsErrorDetails() != null
          ? a.awsErrorDetails().errorMessage() : null;
      String region = s instanceof AwsServiceException a && a.awsErrorDetails() != null
          && a.awsErrorDetails().sdkHttpResponse() != null
          ? a.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null)
          : null;
      return status(s.statusCode(), code(s), text, what, region, s);
    }
    Throwable io = ioCause(e);
    if (io != null) {
      return network(io, what, endpoint, e);
    }
    String where = endpoint == null ? "S3" : endpoint;
    if (garbled(e)) {
      return new StorageException(Kind.NETWORK, what + ": the answer from " + where
          + " was cut short or garbled: try again", e);
    }
    if (e instanceof SdkException) {
      return new StorageException(Kind.CLIENT, what + ": " + firstLine(String.valueOf(e.getMessage())), e);
    }
    throw e;
  }

  /**
   * An error answer, after retries.
   *
   * @param code S3's error code from the answer's document, or null (HEAD answers have none)
   * @param bucketRegion the x-amz-bucket-region header, or null
   */
  static StorageException status(int status, String code, String text, String what,
      String bucketRegion, Throwable cause) {
    String detail = (code != null ? code : "HTTP " + status) + (text != null ? ": " + text : "");
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

  /** Throttling: backed off from a longer base. */
  static boolean throttled(Throwable t) {
    if (t instanceof SdkServiceException s) {
      String code = code(s);
      return s.statusCode() == 429 || s.statusCode() == 503 || "SlowDown".equals(code)
          || "Throttling".equals(code) || "ThrottlingException".equals(code);
    }
    return false;
  }

  /**
   * Whether a failed attempt may succeed when sent again: 5xx answers, throttling, a clock
   * too far off the server's (the SDK corrects it from the server's Date first), broken
   * connections and timeouts, answers cut short. Never an untrusted certificate; a refused
   * connection or unknown host only once the server has answered before ({@code
   * notYetAnswered} false).
   */
  static boolean retryable(Throwable t, boolean notYetAnswered) {
    if (t instanceof SdkServiceException s) {
      int status = s.statusCode();
      String code = code(s);
      return throttled(t) || status == 500 || status == 502 || status == 504
          || "RequestTimeout".equals(code) || "InternalError".equals(code)
          || (s instanceof AwsServiceException a && a.isClockSkewException());
    }
    Throwable io = ioCause(t);
    if (io != null) {
      if (isCertificateProblem(t)) {
        return false;
      }
      Throwable root = rootCause(t);
      return !(notYetAnswered && (root instanceof ConnectException || root instanceof UnknownHostException));
    }
    return garbled(t);
  }

  /** An answer cut short in its headers or body: the connection broke, worth another try. */
  static boolean garbled(Throwable e) {
    return e instanceof SdkClientException && e.getMessage() != null
        && e.getMessage().contains("Unable to unmarshall response");
  }

  /** The I/O failure behind an exception, if any. */
  private static Throwable ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return t;
      }
    }
    return null;
  }

  /** A failed exchange, after retries. */
  static StorageException network(Throwable io, String what, String endpoint, Throwable cause) {
    String where = endpoint == null ? "S3" : endpoint;
    if (isCertificateProblem(io)) {
      return new StorageException(Kind.NETWORK, what + ": the TLS certificate of " + where
          + " is not trusted (" + rootCause(io).getMessage() + "): p3backup never turns certificate"
          + " checks off; give the server's CA as a PEM file with AWS_CA_BUNDLE or ca_bundle in the"
          + " profile, or use http:// for a server on this machine", cause);
    }
    Throwable root = rootCause(io);
    if (root instanceof ConnectException) {
      return new StorageException(Kind.NETWORK, what + ": cannot connect to " + where
          + " (" + root.getMessage() + "): check --endpoint-url and that the server is running", cause);
    }
    if (root instanceof UnknownHostException) {
      return new StorageException(Kind.NETWORK, what + ": unknown host " + root.getMessage()
          + ": check --endpoint-url, --region, the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and"
          + " the network", cause);
    }
    if (root instanceof SocketTimeoutException) {
      return new StorageException(Kind.NETWORK, what + ": " + where
          + " did not answer in time: check the network and try again", cause);
    }
    return new StorageException(Kind.NETWORK, what + ": network error talking to " + where
        + " (" + firstLine(String.valueOf(root.getMessage())) + "): try again", cause);
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

  /**
   * No credentials: from a profile that holds some way to get them, what the SDK said of it
   * (an expired IAM Identity Center session, a failing credential_process, ...); else where to
   * put them.
   */
  static StorageException noCredentials(AwsConfig config, RuntimeException cause) {
    boolean profileSaysHow = config.profile().map(p -> p.properties().keySet().stream().anyMatch(k ->
        k.startsWith("aws_access_key_id") || k.startsWith("sso_") || k.equals("role_arn")
            || k.equals("credential_process") || k.equals("web_identity_token_file")))
        .orElse(false);
    if (profileSaysHow) {
      String why;
      try {
        config.profileCredentials().resolveCredentials();
        why = firstLine(String.valueOf(cause.getMessage()));
      } catch (RuntimeException e) {
        why = firstLine(String.valueOf(e.getMessage()));
      }
      if (why.length() > 300) {
        why = why.substring(0, 300) + "...";
      }
      return new StorageException(Kind.CREDENTIALS, "no AWS credentials from the profile \""
          + config.profileName() + "\" (" + why + "): check it with `aws configure list --profile "
          + config.profileName() + "`, or run `aws sso login --profile " + config.profileName()
          + "` if it uses IAM Identity Center", cause);
    }
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
