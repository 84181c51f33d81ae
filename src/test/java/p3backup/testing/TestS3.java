package p3backup.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A plain SDK client for tests to look at a bucket directly, the way another S3 tool would:
 * independent of p3backup's own storage code.
 */
public final class TestS3 implements AutoCloseable {
  private final S3Client s3;

  public TestS3(S3Server server) {
    s3 = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .endpointOverride(server.endpoint())
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
        .build();
  }

  public S3Client client() {
    return s3;
  }

  public boolean bucketExists(String bucket) {
    return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
  }

  /** Every key in the bucket, in order. */
  public List<String> keys(String bucket) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      keys.add(o.key());
    }
    return keys;
  }

  /** Keys outside p3backup's own .p3backup/ folder. */
  public List<String> dataKeys(String bucket) {
    return keys(bucket).stream().filter(k -> !k.startsWith(".p3backup/") && !k.contains("/.p3backup/")).toList();
  }

  public byte[] get(String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  public HeadObjectResponse head(String bucket, String key) {
    return s3.headObject(b -> b.bucket(bucket).key(key));
  }

  public Map<String, String> metadata(String bucket, String key) {
    return head(bucket, key).metadata();
  }

  public void put(String bucket, String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  @Override
  public void close() {
    s3.close();
  }
}
