package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import p3backup.storage.ObjectStore;
import p3backup.testing.ForwardProxy;

/**
 * Where requests to AWS go, seen by the proxy that HTTPS_PROXY names (which reaches nothing):
 * a bucket fit for a host name is addressed virtual-hosted, one with dots by path.
 */
class AddressingTest {
  @TempDir Path home;

  @ParameterizedTest
  @CsvSource({
      "my-bucket, eu-central-1, CONNECT my-bucket.s3.eu-central-1.amazonaws.com:443",
      "my.bucket, eu-central-1, CONNECT s3.eu-central-1.amazonaws.com:443",
      "my-bucket, cn-north-1,   CONNECT my-bucket.s3.cn-north-1.amazonaws.com.cn:443",
  })
  void awsIsReachedOverTlsThroughTheProxyAtTheBucketsAddress(String bucket, String region, String connect)
      throws IOException, InterruptedException {
    try (ForwardProxy proxy = new ForwardProxy()) {
      ObjectStore store = S3ObjectStore.open(new S3Settings(null, region, null,
          Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "SECRET",
              "AWS_EC2_METADATA_DISABLED", "true", "HTTPS_PROXY", proxy.url()), home, 2));
      Thread request = new Thread(() -> {
        try {
          store.bucketState(bucket);
        } catch (RuntimeException expected) {
          // the proxy reaches nothing; it is only asked
        }
      });
      request.setDaemon(true);
      request.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (proxy.requests().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<String> seen = proxy.requests();
      store.close();
      assertEquals(connect, seen.isEmpty() ? "nothing" : seen.get(0));
    }
  }
}
