package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.scan.Digests;
import p3backup.storage.Body;
import p3backup.storage.BucketSetup;
import p3backup.storage.BucketState;
import p3backup.storage.MultipartUpload;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectInfo;
import p3backup.storage.ObjectStore;
import p3backup.storage.StorageException;
import p3backup.testing.S3MockServer;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3Server;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

/** The S3 adapter against real S3 servers: both of S3Proxy's stores, and S3Mock. */
class S3ObjectStoreIT {
  @TempDir Path home;

  static Stream<Arguments> servers() {
    return Stream.of(
        Arguments.of("transient", S3ProxyServer.shared(Provider.TRANSIENT)),
        Arguments.of("filesystem", S3ProxyServer.shared(Provider.FILESYSTEM)),
        Arguments.of("s3mock", S3MockServer.shared()));
  }

  ObjectStore open(S3Server server) {
    return S3ObjectStore.open(new S3Settings(null, "us-east-1", server.endpoint(),
        Map.of("AWS_ACCESS_KEY_ID", server.accessKey(), "AWS_SECRET_ACCESS_KEY", server.secretKey(),
            "AWS_EC2_METADATA_DISABLED", "true"), home, 8));
  }

  static Body body(byte[] data) {
    return new Body(data, 0, data.length, Digests.sha256().digest(data), null);
  }

  static final ObjectAttributes PLAIN = new ObjectAttributes("text/plain", Map.of("mtime", "1.5"), null, null, null);

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void putListGetDeleteRoundTrip(String name, S3Server server) throws IOException {
    String bucket = "store-it-" + name + "-" + ProcessHandle.current().pid();
    try (ObjectStore store = open(server)) {
      assertEquals(BucketState.MISSING, store.bucketState(bucket));
      List<String> warnings = store.createBucket(bucket, new BucketSetup(true));
      if (server instanceof S3ProxyServer) {
        assertTrue(warnings.stream().anyMatch(w -> w.contains("Block Public Access")), warnings.toString());
      }
      assertEquals(BucketState.EXISTS, store.bucketState(bucket));
      byte[] data = "h\u00e9llo".getBytes(StandardCharsets.UTF_8);
      var put = store.put(bucket, "dir/h\u00e9.txt", body(data), PLAIN);
      assertEquals(server.keepsVersions(), put.versionId() != null, "versions where kept");
      assertEquals(Map.of("mtime", "1.5"), store.head(bucket, "dir/h\u00e9.txt"));
      List<ObjectInfo> listed = new ArrayList<>();
      store.list(bucket, "dir/", listed::add);
      assertEquals(1, listed.size());
      assertEquals(data.length, listed.get(0).size());
      try (InputStream in = store.get(bucket, "dir/h\u00e9.txt", null)) {
        assertArrayEquals(data, in.readAllBytes());
      }
      try (InputStream in = store.getRange(bucket, "dir/h\u00e9.txt", null, 1, 2)) {
        assertArrayEquals(new byte[] {data[1], data[2]}, in.readAllBytes());
      }
      assertTrue(store.delete(bucket, List.of("dir/h\u00e9.txt")).isEmpty());
      StorageException gone = assertThrows(StorageException.class, () -> store.get(bucket, "dir/h\u00e9.txt", null));
      assertEquals(StorageException.Kind.NOT_FOUND, gone.kind(), gone.getMessage());
      try (InputStream in = store.get(bucket, "dir/h\u00e9.txt", put.versionId())) {
        assertArrayEquals(data, in.readAllBytes(), "a kept version stays");
      } catch (StorageException e) {
        assertTrue(!server.keepsVersions() && put.versionId() == null, e.getMessage());
      }
      List<ObjectInfo> after = new ArrayList<>();
      store.list(bucket, "", after::add);
      // S3Mock (4.12) still lists a key whose latest version is a delete marker.
      if (!(server instanceof S3MockServer)) {
        assertTrue(after.isEmpty(), after.toString());
      }
    }
  }

  @Test
  void serverRefusesAnUploadWhoseBytesDoNotMatchTheirDigest() {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = "digest-it-" + ProcessHandle.current().pid();
    try (ObjectStore store = open(server)) {
      store.createBucket(bucket, new BucketSetup(false));
      byte[] data = "the real bytes".getBytes(StandardCharsets.UTF_8);
      byte[] wrong = Digests.sha256().digest("other bytes".getBytes(StandardCharsets.UTF_8));
      assertThrows(StorageException.class,
          () -> store.put(bucket, "x", new Body(data, 0, data.length, wrong, null), PLAIN));

      byte[] part = new byte[5 << 20];
      MultipartUpload upload = store.startMultipart(bucket, "big", PLAIN);
      byte[] wrongCrc = Body.crc32c(data, 0, data.length);
      assertThrows(StorageException.class,
          () -> upload.uploadPart(1, new Body(part, 0, part.length, null, wrongCrc)));
      upload.uploadPart(1, Body.withCrc32c(part, 0, part.length)); // the same part, rightly summed
      upload.abort();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void multipartUploadAssemblesPartsInOrder(String name, S3Server server) throws IOException {
    String bucket = "multipart-it-" + name + "-" + ProcessHandle.current().pid();
    try (ObjectStore store = open(server); TestS3 s3 = new TestS3(server)) {
      store.createBucket(bucket, new BucketSetup(true));
      byte[] a = new byte[5 << 20];
      java.util.Arrays.fill(a, (byte) 'a');
      byte[] b = "tail".getBytes(StandardCharsets.UTF_8);
      MultipartUpload upload = store.startMultipart(bucket, "big", PLAIN);
      upload.uploadPart(2, Body.withCrc32c(b, 0, b.length));
      upload.uploadPart(1, Body.withCrc32c(a, 0, a.length));
      upload.complete(2);
      try (InputStream in = store.get(bucket, "big", null)) {
        byte[] all = in.readAllBytes();
        assertEquals(a.length + b.length, all.length);
        assertEquals('a', all[0]);
        assertEquals("tail", new String(all, a.length, 4, StandardCharsets.UTF_8));
      }
      // The server kept the parts' CRC32Cs as the object's composite checksum.
      String crc = s3.client().headObject(h -> h.bucket(bucket).key("big")
          .checksumMode(ChecksumMode.ENABLED)).checksumCRC32C();
      assertTrue(crc != null && crc.endsWith("-2"), "composite CRC32C of 2 parts: " + crc);
    }
  }
}
