package p3backup.testing;

import java.net.URI;

/**
 * A local S3 server that tests run the real client against, path-style, in any region:
 * S3Proxy ({@link S3ProxyServer}) or Adobe S3Mock ({@link S3MockServer}).
 */
public interface S3Server {
  URI endpoint();

  String accessKey();

  String secretKey();

  /** Whether its buckets can keep object versions. */
  boolean keepsVersions();
}
