package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/** The SDK's endpoint rules answer alike for every object of a bucket, so the answer is kept. */
class ResolutionsTest {
  static S3EndpointParams params(String bucket, String key, String endpoint) {
    return S3EndpointParams.builder().region(Region.EU_CENTRAL_1).bucket(bucket).key(key)
        .endpoint(endpoint).forcePathStyle(endpoint != null).disableS3ExpressSessionAuth(true)
        .useFips(false).useDualStack(false).accelerate(false).build();
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "my-bucket, -,                      https://my-bucket.s3.eu-central-1.amazonaws.com",
      "my.bucket, -,                      https://s3.eu-central-1.amazonaws.com/my.bucket",
      "my-bucket, http://127.0.0.1:9000,  http://127.0.0.1:9000/my-bucket",
  })
  void theRulesAnswerAlikeForEveryKeyAndTheAnswerIsKept(String bucket, String endpoint, String url) {
    S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
    Endpoint a = rules.resolveEndpoint(params(bucket, "dir/a.txt", endpoint)).join();
    Endpoint b = rules.resolveEndpoint(params(bucket, "other/b c.bin", endpoint)).join();
    assertEquals(url, a.url().toString());
    assertEquals(a.url(), b.url());
    assertEquals(a.headers(), b.headers());

    S3EndpointProvider kept = Resolutions.endpoints(rules);
    var first = kept.resolveEndpoint(params(bucket, "dir/a.txt", endpoint));
    assertSame(first, kept.resolveEndpoint(params(bucket, "other/b c.bin", endpoint)));
    assertNotSame(first, kept.resolveEndpoint(params(bucket + "-2", "dir/a.txt", endpoint)));
    assertEquals(url, first.join().url().toString());
  }
}
