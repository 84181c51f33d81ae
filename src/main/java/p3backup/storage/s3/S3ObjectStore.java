package p3backup.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import p3backup.storage.Body;
import p3backup.storage.BucketInfo;
import p3backup.storage.BucketSetup;
import p3backup.storage.BucketState;
import p3backup.storage.Download;
import p3backup.storage.MultipartUpload;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectInfo;
import p3backup.storage.ObjectStore;
import p3backup.storage.PutResult;
import p3backup.storage.RetryListener;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortIncompleteMultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link ObjectStore} on Amazon S3 or any S3-compatible server, through the AWS SDK's {@link
 * S3Client} (built by {@link S3Clients}). Uploads carry the checksum the engine computed while
 * reading the file (SHA-256 for a whole object, CRC32C for a part), which the server checks;
 * nothing is hashed a second time here.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String region;
  private final String endpointText;
  private final StageProfile profile;

  private S3ObjectStore(S3Clients.Built built) {
    this.profile = built.profile();
    this.s3 = built.client();
    this.region = built.region();
    this.endpointText = built.endpointText();
  }

  /**
   * Builds a client from the settings. Fails with a {@link StorageException} of kind CREDENTIALS
   * when no credentials can be found; sends no request to S3.
   */
  public static S3ObjectStore open(S3Settings settings) {
    return open(settings, RetryListener.NONE);
  }

  /** The same, telling {@code retries} of each request sent again and of recoveries. */
  public static S3ObjectStore open(S3Settings settings, RetryListener retries) {
    return new S3ObjectStore(S3Clients.build(settings, retries));
  }

  private <T> T call(String what, Supplier<T> request) {
    profile.enter();
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, what, endpointText);
    } finally {
      profile.exit();
    }
  }

  @Override
  public BucketState bucketState(String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return BucketState.EXISTS;
    } catch (SdkServiceException e) {
      if (e.statusCode() == 404) {
        return BucketState.MISSING;
      }
      if (e.statusCode() == 403) {
        throw new StorageException(Kind.ACCESS_DENIED, "bucket " + bucket
            + ": access denied: it belongs to another account, or the credentials lack"
            + " s3:ListBucket; choose another bucket or --profile", e);
      }
      throw S3Errors.translate(e, "bucket " + bucket, endpointText);
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, "bucket " + bucket, endpointText);
    }
  }

  @Override
  public List<String> createBucket(String bucket, BucketSetup setup) {
    CreateBucketRequest.Builder create = CreateBucketRequest.builder().bucket(bucket);
    if (!"us-east-1".equals(region)) {
      create.createBucketConfiguration(c -> c.locationConstraint(region));
    }
    call("create bucket " + bucket, () -> s3.createBucket(create.build()));
    List<String> warnings = new ArrayList<>();
    if (setup.versioning()) {
      optional(warnings, bucket, "versioning", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))));
    }
    optional(warnings, bucket, "Block Public Access", () -> s3.putPublicAccessBlock(b -> b
        .bucket(bucket)
        .publicAccessBlockConfiguration(p -> p.blockPublicAcls(true).ignorePublicAcls(true)
            .blockPublicPolicy(true).restrictPublicBuckets(true))));
    optional(warnings, bucket, "default encryption (SSE-S3)", () -> s3.putBucketEncryption(b -> b
        .bucket(bucket)
        .serverSideEncryptionConfiguration(c -> c.rules(r -> r
            .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))))));
    optional(warnings, bucket, "a rule aborting incomplete multipart uploads after 7 days",
        () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
            .lifecycleConfiguration(BucketLifecycleConfiguration.builder().rules(LifecycleRule.builder()
                .id("p3backup-abort-incomplete-multipart")
                .status(ExpirationStatus.ENABLED)
                .filter(LifecycleRuleFilter.builder().prefix("").build())
                .abortIncompleteMultipartUpload(AbortIncompleteMultipartUpload.builder()
                    .daysAfterInitiation(7).build())
                .build()).build())));
    return warnings;
  }

  /** Sets one bucket feature; a server without it gets a warning, not a failure. */
  private void optional(List<String> warnings, String bucket, String what, Runnable request) {
    try {
      request.run();
    } catch (SdkServiceException e) {
      String code = S3Errors.code(e);
      warnings.add("bucket " + bucket + ": the server did not set " + what + " ("
          + (code != null ? code : "HTTP " + e.statusCode()) + "); going on without it");
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, "set up bucket " + bucket, endpointText);
    }
  }

  @Override
  public List<BucketInfo> listBuckets() {
    List<BucketInfo> out = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListBucketsResponse page = call("list buckets", () -> s3.listBuckets(b -> b.continuationToken(t)));
      page.buckets().forEach(b -> out.add(new BucketInfo(b.name(), b.creationDate())));
      token = page.continuationToken();
    } while (token != null && !token.isEmpty());
    return out;
  }

  @Override
  public void list(String bucket, String prefix, boolean shallow, Consumer<ObjectInfo> each) {
    String token = null;
    do {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
          .delimiter(shallow ? "/" : null);
      if (token != null) {
        req.continuationToken(token);
      }
      ListObjectsV2Response page = call("list " + bucket + "/" + prefix, () -> s3.listObjectsV2(req.build()));
      for (S3Object o : page.contents()) {
        each.accept(new ObjectInfo(o.key(), o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
  }

  @Override
  public PutResult put(String bucket, String key, Body body, ObjectAttributes a) {
    PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(key)
        .metadata(a.metadata()).contentType(contentTypeOf(a)).storageClass(a.storageClass())
        .serverSideEncryption(a.sse()).ssekmsKeyId(a.sseKmsKeyId())
        .contentLength((long) body.length())
        .checksumSHA256(body.sha256Base64()).checksumCRC32C(body.crc32cBase64());
    return call("upload " + key, () -> {
      var r = s3.putObject(req.build(), requestBody(body, a));
      return new PutResult(version(r.versionId()), r.eTag());
    });
  }

  /** The body as it is in memory: streamed from the array, not copied. */
  private static RequestBody requestBody(Body body, ObjectAttributes a) {
    return RequestBody.fromContentProvider(body::open, body.length(), contentTypeOf(a));
  }

  private static String contentTypeOf(ObjectAttributes a) {
    return a.contentType() != null ? a.contentType() : "application/octet-stream";
  }

  static String version(String v) {
    return v == null || v.isEmpty() || "null".equals(v) ? null : v;
  }

  @Override
  public MultipartUpload startMultipart(String bucket, String key, ObjectAttributes a) {
    // CRC32C, not Content-MD5, guards each part: the server checks it as Content-MD5 would be,
    // at a fiftieth of MD5's cost to compute here, and keeps it in the object's checksum.
    CreateMultipartUploadRequest req = CreateMultipartUploadRequest.builder()
        .bucket(bucket).key(key).metadata(a.metadata()).contentType(contentTypeOf(a))
        .storageClass(a.storageClass()).serverSideEncryption(a.sse()).ssekmsKeyId(a.sseKmsKeyId())
        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).build();
    String uploadId = call("start upload of " + key, () -> s3.createMultipartUpload(req).uploadId());
    if (uploadId == null || uploadId.isEmpty()) {
      throw new StorageException(Kind.SERVER, "start upload of " + key
          + ": the server's answer held no upload id", null);
    }
    return new S3MultipartUpload(bucket, key, uploadId);
  }

  private final class S3MultipartUpload implements MultipartUpload {
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final ConcurrentHashMap<Integer, CompletedPart> parts = new ConcurrentHashMap<>();

    S3MultipartUpload(String bucket, String key, String uploadId) {
      this.bucket = bucket;
      this.key = key;
      this.uploadId = uploadId;
    }

    @Override
    public void uploadPart(int number, Body body) {
      String crc = body.crc32cBase64();
      if (crc == null) {
        throw new IllegalArgumentException("part " + number + " of " + key + " has no CRC32C");
      }
      String what = "upload part " + number + " of " + key;
      String etag = call(what, () -> s3.uploadPart(b -> b.bucket(bucket).key(key)
          .uploadId(uploadId).partNumber(number).contentLength((long) body.length())
          .checksumCRC32C(crc), requestBody(body, PLAIN)).eTag());
      if (etag == null) {
        throw new StorageException(Kind.SERVER, what + ": the server's answer held no ETag", null);
      }
      parts.put(number, CompletedPart.builder().partNumber(number).eTag(etag).checksumCRC32C(crc).build());
    }

    @Override
    public PutResult complete(int partCount) {
      List<CompletedPart> list = new ArrayList<>(partCount);
      for (int i = 1; i <= partCount; i++) {
        CompletedPart part = parts.get(i);
        if (part == null) {
          throw new IllegalStateException("part " + i + " of " + key + " was not uploaded");
        }
        list.add(part);
      }
      // S3 may answer 200 and still fail; the SDK turns such an answer into an exception,
      // retried as any other.
      return call("complete upload of " + key, () -> {
        var r = s3.completeMultipartUpload(b -> b
            .bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(list)));
        return new PutResult(version(r.versionId()), r.eTag());
      });
    }

    @Override
    public void abort() {
      try {
        abortUpload(bucket, key, uploadId);
      } catch (RuntimeException ignored) {
        // the bucket's lifecycle rule removes what is left
      }
    }
  }

  private static final ObjectAttributes PLAIN = new ObjectAttributes(null, Map.of(), null, null, null);

  private ResponseInputStream<GetObjectResponse> getObject(String bucket, String key, String versionId,
      String range) {
    GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key).versionId(versionId)
        .range(range).build();
    return call("download " + key, () -> s3.getObject(req));
  }

  @Override
  public InputStream get(String bucket, String key, String versionId) {
    return open(bucket, key, versionId).stream();
  }

  @Override
  public Download open(String bucket, String key, String versionId) {
    ResponseInputStream<GetObjectResponse> in = getObject(bucket, key, versionId, null);
    GetObjectResponse r = in.response();
    long length = r.contentLength() == null ? -1 : r.contentLength();
    return new Download(new Counted(in, length), length, lowerCaseKeys(r.metadata()), r.lastModified());
  }

  @Override
  public Map<String, String> head(String bucket, String key) {
    return lowerCaseKeys(call("read " + key, () -> s3.headObject(b -> b.bucket(bucket).key(key)).metadata()));
  }

  /** User metadata by lower-case name, as S3 itself keeps it, whatever case the server sent. */
  private static Map<String, String> lowerCaseKeys(Map<String, String> metadata) {
    Map<String, String> out = new HashMap<>();
    metadata.forEach((k, v) -> out.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  @Override
  public InputStream getRange(String bucket, String key, String versionId, long from, long length) {
    ResponseInputStream<GetObjectResponse> in =
        getObject(bucket, key, versionId, "bytes=" + from + "-" + (from + length - 1));
    GetObjectResponse r = in.response();
    long got = r.contentLength() == null ? -1 : r.contentLength();
    boolean partial = r.sdkHttpResponse().statusCode() == 206;
    if (partial && (r.contentRange() == null || got < 0)) {
      // An answer whose head was cut short: what it holds can't be checked; try again.
      in.abort();
      throw new StorageException(Kind.NETWORK, "download " + key + ": the answer from "
          + endpointText + " was cut short: try again", null);
    }
    if (!partial && !(from == 0 && got == length)) {
      in.abort();
      throw new StorageException(Kind.CLIENT, "download " + key
          + ": the server ignored the byte range asked for", null);
    }
    return new Counted(in, got);
  }

  @Override
  public List<PendingUpload> pendingUploads(String bucket, String prefix) {
    List<PendingUpload> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      String km = keyMarker;
      String im = idMarker;
      var page = call("list unfinished uploads", () -> s3.listMultipartUploads(b -> b.bucket(bucket)
          .prefix(prefix).keyMarker(km).uploadIdMarker(im)));
      for (var u : page.uploads()) {
        out.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
      }
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
      if (!Boolean.TRUE.equals(page.isTruncated()) || keyMarker == null || keyMarker.isEmpty()) {
        return out;
      }
    }
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkServiceException e) {
      if (e.statusCode() != 404) {
        throw S3Errors.translate(e, "abort upload of " + key, endpointText);
      }
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, "abort upload of " + key, endpointText);
    }
  }

  @Override
  public List<ObjectProblem> delete(String bucket, List<String> keys) {
    List<ObjectProblem> problems = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      List<ObjectIdentifier> ids = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      DeleteObjectsResponse r = call("delete objects", () -> s3.deleteObjects(b -> b.bucket(bucket)
          .delete(Delete.builder().objects(ids).quiet(true).build())));
      for (S3Error e : r.errors()) {
        problems.add(new ObjectProblem(e.key(), e.code() + ": " + e.message()));
      }
    }
    return problems;
  }

  @Override
  public void listVersions(String bucket, String prefix, boolean shallow,
      Consumer<p3backup.storage.ObjectVersion> each) {
    String keyMarker = null;
    String versionMarker = null;
    do {
      ListObjectVersionsRequest.Builder req = ListObjectVersionsRequest.builder().bucket(bucket)
          .prefix(prefix).delimiter(shallow ? "/" : null);
      if (keyMarker != null) {
        req.keyMarker(keyMarker).versionIdMarker(versionMarker);
      }
      ListObjectVersionsResponse page;
      try {
        page = s3.listObjectVersions(req.build());
      } catch (SdkServiceException e) {
        if (keyMarker == null && (e.statusCode() == 501 || "NotImplemented".equals(S3Errors.code(e)))) {
          // No version listing on this server: its current objects, each once.
          list(bucket, prefix, shallow, o -> each.accept(new p3backup.storage.ObjectVersion(o.key(), null,
              o.size(), o.lastModified(), true, false)));
          return;
        }
        throw S3Errors.translate(e, "list versions of " + bucket + "/" + prefix, endpointText);
      } catch (RuntimeException e) {
        throw S3Errors.translate(e, "list versions of " + bucket + "/" + prefix, endpointText);
      }
      // The SDK hands versions and delete markers over as two lists; S3 sent them interleaved,
      // in key order and newest first within a key: put them back in that order.
      List<p3backup.storage.ObjectVersion> items = new ArrayList<>();
      for (ObjectVersion v : page.versions()) {
        items.add(new p3backup.storage.ObjectVersion(v.key(), v.versionId(), v.size() == null ? 0 : v.size(),
            v.lastModified(), Boolean.TRUE.equals(v.isLatest()), false));
      }
      for (DeleteMarkerEntry m : page.deleteMarkers()) {
        items.add(new p3backup.storage.ObjectVersion(m.key(), m.versionId(), 0, m.lastModified(),
            Boolean.TRUE.equals(m.isLatest()), true));
      }
      items.sort(VERSION_ORDER);
      items.forEach(each);
      boolean more = Boolean.TRUE.equals(page.isTruncated());
      keyMarker = more ? page.nextKeyMarker() : null;
      versionMarker = more ? page.nextVersionIdMarker() : null;
    } while (keyMarker != null);
  }

  /** Key order; within a key the latest first, then newest first. */
  private static final java.util.Comparator<p3backup.storage.ObjectVersion> VERSION_ORDER =
      java.util.Comparator.comparing(p3backup.storage.ObjectVersion::key)
          .thenComparing(v -> !v.latest())
          .thenComparing(p3backup.storage.ObjectVersion::lastModified,
              java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder()));

  @Override
  public List<VersionProblem> deleteVersions(String bucket, List<VersionRef> versions) {
    List<VersionProblem> problems = new ArrayList<>();
    for (int i = 0; i < versions.size(); i += DELETE_BATCH) {
      List<VersionRef> batch = versions.subList(i, Math.min(versions.size(), i + DELETE_BATCH));
      List<ObjectIdentifier> ids = batch.stream()
          .map(v -> ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()).toList();
      DeleteObjectsResponse r = call("delete versions", () -> s3.deleteObjects(b -> b.bucket(bucket)
          .delete(Delete.builder().objects(ids).quiet(true).build())));
      Map<String, VersionRef> byId = new HashMap<>();
      batch.forEach(v -> byId.put(v.key() + "\u0000" + v.versionId(), v));
      for (S3Error e : r.errors()) {
        if ("NoSuchVersion".equals(e.code()) || "NoSuchKey".equals(e.code())) {
          continue; // already gone
        }
        VersionRef ref = byId.getOrDefault(e.key() + "\u0000" + e.versionId(), new VersionRef(e.key(), e.versionId()));
        problems.add(new VersionProblem(ref, e.code() + ": " + e.message()));
      }
    }
    return problems;
  }

  @Override
  public void close() {
    s3.close();
  }

  /**
   * A body that ends in an IOException, not quietly, when the connection closes before the
   * length the answer gave: the engine then repeats the transfer.
   */
  static final class Counted extends FilterInputStream {
    private final long expected;
    private long seen;

    Counted(InputStream in, long expected) {
      super(in);
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        checkEnd();
      } else {
        seen++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        checkEnd();
      } else {
        seen += n;
      }
      return n;
    }

    private void checkEnd() throws IOException {
      if (expected >= 0 && seen < expected) {
        throw new IOException("the connection closed after " + seen + " of " + expected + " bytes");
      }
    }
  }
}
