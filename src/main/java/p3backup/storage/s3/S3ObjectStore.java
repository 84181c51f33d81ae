package p3backup.storage.s3;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeParams;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.services.s3.model.AbortIncompleteMultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** {@link ObjectStore} on Amazon S3 or any S3-compatible server, through the AWS SDK v2. */
public final class S3ObjectStore implements ObjectStore {
  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String region;
  private final String endpointText;
  private final URI endpoint;
  private volatile boolean probed;

  private S3ObjectStore(S3Client s3, String region, URI endpoint) {
    this.s3 = s3;
    this.endpoint = endpoint;
    this.region = region;
    this.endpointText = endpoint == null ? "S3 in " + region : endpoint.toString();
  }

  /**
   * Builds a client from the settings. Fails with a {@link StorageException} of kind CREDENTIALS
   * when no credentials can be found; sends no request to S3.
   */
  public static S3ObjectStore open(S3Settings settings) {
    AwsConfig config = new AwsConfig(settings);
    if (config.profileMissing()) {
      throw new StorageException(Kind.CREDENTIALS, "the profile \"" + config.profileName()
          + "\" is not in the AWS configuration: run `aws configure --profile "
          + config.profileName() + "` or choose another --profile", null);
    }
    AwsCredentialsProvider credentials;
    try {
      credentials = config.credentials();
      credentials.resolveCredentials();
    } catch (SdkException | IllegalArgumentException | IllegalStateException e) {
      throw S3Errors.noCredentials(e);
    }
    // HttpURLConnection keeps at most http.maxConnections idle connections per host (5 unless
    // raised); set at run time so that it holds in a native image too.
    String max = System.getProperty("http.maxConnections");
    if (max == null || Integer.parseInt(max) < settings.connections()) {
      System.setProperty("http.maxConnections", Integer.toString(settings.connections()));
    }
    String region = config.region();
    URI endpoint = config.endpoint().orElse(null);
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(120)))
        .region(Region.of(region))
        .credentialsProvider(credentials)
        // Several S3-compatible servers refuse the SDK's default CRC32 aws-chunked trailers;
        // uploads carry our own SHA-256 (whole objects) or Content-MD5 (parts) instead.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .addPlugin(LegacyMd5Plugin.create())
        // No aws-chunked bodies: every body is in memory with its length and digest.
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        // Bodies are not hashed a second time for the signature: the server checks each upload
        // against the SHA-256 or MD5 it carries (as over HTTPS, where this is the SDK's default).
        .authSchemeProvider(S3ObjectStore::unsignedPayload)
        .overrideConfiguration(o -> o
            .defaultProfileFile(config.profileFile())
            .defaultProfileName(config.profileName())
            .retryStrategy(r -> r.maxAttempts(10).retryOnException(S3Errors::garbled)));
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    return new S3ObjectStore(builder.build(), region, endpoint);
  }

  private static List<AuthSchemeOption> unsignedPayload(S3AuthSchemeParams params) {
    return S3AuthSchemeProvider.defaultProvider().resolveAuthScheme(params).stream()
        .map(o -> o.toBuilder()
            .putSignerProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false).build())
        .toList();
  }

  private <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, what, endpointText);
    }
  }

  /**
   * A server given with --endpoint-url that refuses connections is a mistake to report at once,
   * not a fault to retry for half a minute.
   */
  private void reachable() {
    if (endpoint == null || probed) {
      return;
    }
    probed = true;
    int port = endpoint.getPort() > 0 ? endpoint.getPort()
        : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(endpoint.getHost(), port), 5000);
    } catch (java.net.ConnectException e) {
      throw new StorageException(Kind.NETWORK, "cannot connect to " + endpointText + " ("
          + e.getMessage() + "): check --endpoint-url and that the server is running", e);
    } catch (java.io.IOException e) {
      // anything else is left to the requests and their retries
    }
  }

  @Override
  public BucketState bucketState(String bucket) {
    reachable();
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return BucketState.EXISTS;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return BucketState.MISSING;
      }
      if (e.statusCode() == 403) {
        throw new StorageException(Kind.ACCESS_DENIED, "bucket " + bucket
            + ": access denied: it belongs to another account, or the credentials lack"
            + " s3:ListBucket; choose another bucket or --profile", e);
      }
      if (e.statusCode() == 301 || e.statusCode() == 400) {
        throw new StorageException(Kind.CLIENT, "bucket " + bucket
            + " is in another region than " + region + ": give its region with --region", e);
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

  private void optional(List<String> warnings, String bucket, String what, Runnable request) {
    try {
      request.run();
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      warnings.add("bucket " + bucket + ": the server did not set " + what + " ("
          + (code != null ? code : "HTTP " + e.statusCode()) + "); going on without it");
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, "set up bucket " + bucket, endpointText);
    }
  }

  @Override
  public List<BucketInfo> listBuckets() {
    reachable();
    return call("list buckets", () -> s3.listBuckets().buckets().stream()
        .map(b -> new BucketInfo(b.name(), b.creationDate()))
        .toList());
  }

  @Override
  public void list(String bucket, String prefix, Consumer<ObjectInfo> each) {
    String token = null;
    do {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
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

  private static PutObjectRequest.Builder attributes(PutObjectRequest.Builder b, ObjectAttributes a) {
    b.metadata(a.metadata());
    if (a.contentType() != null) {
      b.contentType(a.contentType());
    }
    if (a.storageClass() != null) {
      b.storageClass(a.storageClass());
    }
    if (a.sse() != null) {
      b.serverSideEncryption(a.sse());
    }
    if (a.sseKmsKeyId() != null) {
      b.ssekmsKeyId(a.sseKmsKeyId());
    }
    return b;
  }

  @Override
  public PutResult put(String bucket, String key, Body body, ObjectAttributes attributes) {
    PutObjectRequest.Builder req = attributes(PutObjectRequest.builder().bucket(bucket).key(key), attributes)
        .contentLength((long) body.length());
    if (body.sha256() != null) {
      req.checksumSHA256(body.sha256Base64());
    }
    if (body.md5() != null) {
      req.contentMD5(body.md5Base64());
    }
    RequestBody rb = RequestBody.fromContentProvider(body::open, body.length(), contentTypeOf(attributes));
    return call("upload " + key, () -> new PutResult(version(s3.putObject(req.build(), rb).versionId())));
  }

  private static String contentTypeOf(ObjectAttributes a) {
    return a.contentType() != null ? a.contentType() : "application/octet-stream";
  }

  static String version(String v) {
    return v == null || v.isEmpty() || "null".equals(v) ? null : v;
  }

  @Override
  public MultipartUpload startMultipart(String bucket, String key, ObjectAttributes a) {
    CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder()
        .bucket(bucket).key(key).metadata(a.metadata()).contentType(contentTypeOf(a));
    if (a.storageClass() != null) {
      req.storageClass(a.storageClass());
    }
    if (a.sse() != null) {
      req.serverSideEncryption(a.sse());
    }
    if (a.sseKmsKeyId() != null) {
      req.ssekmsKeyId(a.sseKmsKeyId());
    }
    String uploadId = call("start upload of " + key, () -> s3.createMultipartUpload(req.build()).uploadId());
    return new S3MultipartUpload(bucket, key, uploadId);
  }

  private final class S3MultipartUpload implements MultipartUpload {
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final java.util.concurrent.ConcurrentHashMap<Integer, String> etags =
        new java.util.concurrent.ConcurrentHashMap<>();

    S3MultipartUpload(String bucket, String key, String uploadId) {
      this.bucket = bucket;
      this.key = key;
      this.uploadId = uploadId;
    }

    @Override
    public void uploadPart(int number, Body body) {
      RequestBody rb = RequestBody.fromContentProvider(body::open, body.length(), "application/octet-stream");
      String etag = call("upload part " + number + " of " + key, () -> s3.uploadPart(b -> {
        b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
            .contentLength((long) body.length());
        if (body.md5() != null) {
          b.contentMD5(body.md5Base64());
        }
      }, rb).eTag());
      etags.put(number, etag);
    }

    @Override
    public PutResult complete(int partCount) {
      List<CompletedPart> parts = new ArrayList<>(partCount);
      for (int i = 1; i <= partCount; i++) {
        String etag = etags.get(i);
        if (etag == null) {
          throw new IllegalStateException("part " + i + " of " + key + " was not uploaded");
        }
        parts.add(CompletedPart.builder().partNumber(i).eTag(etag).build());
      }
      return call("complete upload of " + key, () -> new PutResult(version(s3.completeMultipartUpload(b -> b
          .bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts))).versionId())));
    }

    @Override
    public void abort() {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException ignored) {
        // the bucket's lifecycle rule removes what is left
      }
    }
  }

  @Override
  public InputStream get(String bucket, String key, String versionId) {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key);
    if (versionId != null) {
      req.versionId(versionId);
    }
    return call("download " + key, () -> s3.getObject(req.build()));
  }

  @Override
  public Download open(String bucket, String key, String versionId) {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key);
    if (versionId != null) {
      req.versionId(versionId);
    }
    var in = call("download " + key, () -> s3.getObject(req.build()));
    var r = in.response();
    return new Download(in, r.contentLength() == null ? -1 : r.contentLength(), r.metadata(),
        r.lastModified());
  }

  @Override
  public java.util.Map<String, String> head(String bucket, String key) {
    return call("read " + key, () -> s3.headObject(b -> b.bucket(bucket).key(key)).metadata());
  }

  @Override
  public InputStream getRange(String bucket, String key, String versionId, long from, long length) {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key)
        .range("bytes=" + from + "-" + (from + length - 1));
    if (versionId != null) {
      req.versionId(versionId);
    }
    return call("download " + key, () -> s3.getObject(req.build()));
  }

  @Override
  public List<PendingUpload> pendingUploads(String bucket, String prefix) {
    List<PendingUpload> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      String km = keyMarker;
      String im = idMarker;
      var page = call("list unfinished uploads", () -> s3.listMultipartUploads(b -> {
        b.bucket(bucket).prefix(prefix);
        if (km != null) {
          b.keyMarker(km).uploadIdMarker(im);
        }
      }));
      for (var u : page.uploads()) {
        out.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return out;
      }
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
    }
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (S3Exception e) {
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
  public void close() {
    s3.close();
  }
}
