package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Where requests go: AWS's virtual-hosted and path-style addresses, and a given endpoint. */
class S3RestAddressingTest {
  private static final S3Rest AWS = new S3Rest(null, "eu-central-1", AnonymousCredentialsProvider.create());
  private static final S3Rest CHINA = new S3Rest(null, "cn-north-1", AnonymousCredentialsProvider.create());

  @Test
  void awsBucketsFitForHostNamesAreVirtualHosted() {
    S3Rest.Call c = new S3Rest.Call("GET", "my-bucket", "a b/c.txt");
    assertEquals("my-bucket.s3.eu-central-1.amazonaws.com", AWS.host("my-bucket"));
    assertEquals("/a%20b/c.txt", AWS.path(c));
    assertEquals("/", AWS.path(new S3Rest.Call("GET", "my-bucket", null)));
    assertEquals("my-bucket.s3.cn-north-1.amazonaws.com.cn", CHINA.host("my-bucket"));
  }

  @Test
  void awsBucketsWithDotsAreAddressedByPath() {
    assertEquals("s3.eu-central-1.amazonaws.com", AWS.host("my.bucket"));
    assertEquals("/my.bucket/k", AWS.path(new S3Rest.Call("GET", "my.bucket", "k")));
    assertEquals("s3.eu-central-1.amazonaws.com", AWS.host(null));
    assertEquals("/", AWS.path(new S3Rest.Call("GET", null, null)));
  }

  @Test
  void aGivenEndpointIsAddressedByPathWithItsPortOnlyWhenNotTheDefault() {
    S3Rest local = new S3Rest(URI.create("http://127.0.0.1:9000"), "us-east-1",
        AnonymousCredentialsProvider.create());
    assertEquals("127.0.0.1:9000", local.host("b"));
    assertEquals("/b/x/y", local.path(new S3Rest.Call("GET", "b", "x/y")));
    assertEquals("/b", local.path(new S3Rest.Call("GET", "b", null)));
    S3Rest under = new S3Rest(URI.create("http://127.0.0.1:9000/s3/"), "us-east-1",
        AnonymousCredentialsProvider.create());
    assertEquals("/s3/b/k", under.path(new S3Rest.Call("GET", "b", "k")));
    S3Rest https = new S3Rest(URI.create("https://s3.example.com:443"), "us-east-1",
        AnonymousCredentialsProvider.create());
    assertEquals("s3.example.com", https.host("b"));
  }

  @Test
  void virtualHostedNames() {
    assertTrue(S3Rest.virtualHosted("abc-123"));
    assertFalse(S3Rest.virtualHosted("a.b.c"));
    assertFalse(S3Rest.virtualHosted("ab"));
    assertFalse(S3Rest.virtualHosted("Upper"));
    assertFalse(S3Rest.virtualHosted("-abc"));
  }
}
