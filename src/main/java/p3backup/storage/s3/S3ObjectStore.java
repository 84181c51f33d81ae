package p3backup.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
import p3backup.storage.s3.S3Rest.Call;
import p3backup.storage.s3.S3Rest.Response;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@link ObjectStore} on Amazon S3 or any S3-compatible server, over S3's REST protocol
 * ({@link S3Rest}). Credentials, region and endpoint are found as the AWS CLI finds them
 * ({@link AwsConfig}).
 */
public final class S3ObjectStore implements ObjectStore {
  private static final int DELETE_BATCH = 1000;
  private static final String XMLNS = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

  private final S3Rest rest;
  private final String region;
  private final String endpointText;
  private final URI endpoint;
  private volatile boolean probed;

  private S3ObjectStore(S3Rest rest, String region, URI endpoint) {
    this.rest = rest;
    this.endpoint = endpoint;
    this.region = region;
    this.endpointText = rest.endpointText();
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
    String region = config.region();
    URI endpoint = config.endpoint().orElse(null);
    S3Rest rest = new S3Rest(endpoint, region, credentials, settings.connections());
    rest.retries = retries;
    return new S3ObjectStore(rest, region, endpoint);
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
    } catch (IOException e) {
      // anything else is left to the requests and their retries
    }
  }

  @Override
  public BucketState bucketState(String bucket) {
    reachable();
    String what = "bucket " + bucket;
    try (Response r = rest.exchange(new Call("HEAD", bucket, null), what)) {
      if (r.ok()) {
        return BucketState.EXISTS;
      }
      if (r.status == 404) {
        return BucketState.MISSING;
      }
      if (r.status == 403) {
        throw new StorageException(Kind.ACCESS_DENIED, "bucket " + bucket
            + ": access denied: it belongs to another account, or the credentials lack"
            + " s3:ListBucket; choose another bucket or --profile", null);
      }
      if (r.status == 301 || r.status == 400) {
        String actual = r.header("x-amz-bucket-region");
        throw new StorageException(Kind.CLIENT, "bucket " + bucket + " is in another region than "
            + region + (actual != null ? " (" + actual + ")" : "") + ": give its region with --region",
            null);
      }
      throw S3Errors.status(r.status, r.code, r.message, what, endpointText, null);
    }
  }

  @Override
  public List<String> createBucket(String bucket, BucketSetup setup) {
    Call create = new Call("PUT", bucket, null);
    if (!"us-east-1".equals(region)) {
      create.document("<CreateBucketConfiguration" + XMLNS + "><LocationConstraint>"
          + Xml.escape(region) + "</LocationConstraint></CreateBucketConfiguration>");
    }
    rest.ok(create, "create bucket " + bucket).close();
    List<String> warnings = new ArrayList<>();
    if (setup.versioning()) {
      optional(warnings, bucket, "versioning", "versioning", "<VersioningConfiguration" + XMLNS
          + "><Status>Enabled</Status></VersioningConfiguration>");
    }
    optional(warnings, bucket, "Block Public Access", "publicAccessBlock",
        "<PublicAccessBlockConfiguration" + XMLNS + "><BlockPublicAcls>true</BlockPublicAcls>"
            + "<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>"
            + "<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>");
    optional(warnings, bucket, "default encryption (SSE-S3)", "encryption",
        "<ServerSideEncryptionConfiguration" + XMLNS + "><Rule><ApplyServerSideEncryptionByDefault>"
            + "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
            + "</ServerSideEncryptionConfiguration>");
    optional(warnings, bucket, "a rule aborting incomplete multipart uploads after 7 days", "lifecycle",
        "<LifecycleConfiguration" + XMLNS + "><Rule><ID>p3backup-abort-incomplete-multipart</ID>"
            + "<Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
            + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation>"
            + "</AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>");
    return warnings;
  }

  /** Sets one bucket sub-resource; a server without it gets a warning, not a failure. */
  private void optional(List<String> warnings, String bucket, String what, String subresource,
      String document) {
    Call call = new Call("PUT", bucket, null).query(subresource, null).document(document);
    try (Response r = rest.exchange(call, "set up bucket " + bucket)) {
      if (!r.ok()) {
        warnings.add("bucket " + bucket + ": the server did not set " + what + " ("
            + (r.code != null ? r.code : "HTTP " + r.status) + "); going on without it");
      }
    }
  }

  @Override
  public List<BucketInfo> listBuckets() {
    reachable();
    String doc = rest.document(new Call("GET", null, null), "list buckets");
    List<BucketInfo> out = new ArrayList<>();
    for (String b : Xml.blocks(doc, "Bucket")) {
      out.add(new BucketInfo(Xml.text(b, "Name"), S3Rest.parseTime(Xml.text(b, "CreationDate"))));
    }
    return out;
  }

  @Override
  public void list(String bucket, String prefix, Consumer<ObjectInfo> each) {
    String token = null;
    do {
      Call call = new Call("GET", bucket, null).query("list-type", "2").query("prefix", prefix);
      if (token != null) {
        call.query("continuation-token", token);
      }
      String doc = rest.document(call, "list " + bucket + "/" + prefix);
      for (String o : Xml.blocks(doc, "Contents")) {
        String size = Xml.text(o, "Size");
        each.accept(new ObjectInfo(Xml.text(o, "Key"), size == null ? 0 : Long.parseLong(size.strip()),
            Xml.text(o, "ETag"), S3Rest.parseTime(Xml.text(o, "LastModified"))));
      }
      token = "true".equals(Xml.text(doc, "IsTruncated")) ? Xml.text(doc, "NextContinuationToken") : null;
    } while (token != null);
  }

  private static Call attributes(Call c, ObjectAttributes a) {
    for (Map.Entry<String, String> m : a.metadata().entrySet()) {
      c.header("x-amz-meta-" + m.getKey(), m.getValue());
    }
    return c.header("content-type", contentTypeOf(a))
        .header("x-amz-storage-class", a.storageClass())
        .header("x-amz-server-side-encryption", a.sse())
        .header("x-amz-server-side-encryption-aws-kms-key-id", a.sseKmsKeyId());
  }

  @Override
  public PutResult put(String bucket, String key, Body body, ObjectAttributes attributes) {
    Call call = attributes(new Call("PUT", bucket, key), attributes)
        .header("x-amz-checksum-sha256", body.sha256Base64())
        .header("x-amz-checksum-crc32c", body.crc32cBase64())
        .body(body.array(), body.offset(), body.length(), null);
    try (Response r = rest.ok(call, "upload " + key)) {
      return new PutResult(version(r.header("x-amz-version-id")));
    }
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
    Call call = attributes(new Call("POST", bucket, key).query("uploads", null), a)
        .header("x-amz-checksum-algorithm", "CRC32C");
    String doc = rest.document(call, "start upload of " + key);
    String uploadId = Xml.text(doc, "UploadId");
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
    /** What the completion lists of each uploaded part. */
    private record Part(String etag, String crc32c) {}

    private final ConcurrentHashMap<Integer, Part> parts = new ConcurrentHashMap<>();

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
      Call call = new Call("PUT", bucket, key)
          .query("partNumber", Integer.toString(number)).query("uploadId", uploadId)
          .header("x-amz-checksum-crc32c", crc)
          .body(body.array(), body.offset(), body.length(), null);
      String what = "upload part " + number + " of " + key;
      try (Response r = rest.ok(call, what)) {
        String etag = r.header("ETag");
        if (etag == null) {
          throw new StorageException(Kind.SERVER, what + ": the server's answer held no ETag", null);
        }
        parts.put(number, new Part(etag, crc));
      }
    }

    @Override
    public PutResult complete(int partCount) {
      StringBuilder doc = new StringBuilder("<CompleteMultipartUpload" + XMLNS + ">");
      for (int i = 1; i <= partCount; i++) {
        Part part = parts.get(i);
        if (part == null) {
          throw new IllegalStateException("part " + i + " of " + key + " was not uploaded");
        }
        doc.append("<Part><PartNumber>").append(i).append("</PartNumber><ETag>")
            .append(Xml.escape(part.etag())).append("</ETag><ChecksumCRC32C>")
            .append(part.crc32c()).append("</ChecksumCRC32C></Part>");
      }
      doc.append("</CompleteMultipartUpload>");
      String what = "complete upload of " + key;
      // S3 may answer 200 and still fail: the error then is the answer's document, retried
      // here as S3Rest retries the same error sent with an error status.
      for (int attempt = 1; ; attempt++) {
        Call call = new Call("POST", bucket, key).query("uploadId", uploadId).document(doc.toString());
        String answer;
        String version;
        try (Response r = rest.ok(call, what)) {
          answer = r.text();
          version = r.header("x-amz-version-id");
        } catch (IOException e) {
          throw S3Errors.network(e, what, endpointText);
        }
        if (!answer.contains("<Error>")) {
          return new PutResult(version(version));
        }
        String code = Xml.text(answer, "Code");
        boolean retryable = S3Rest.retryable(200, code); // by its code alone
        if (!retryable || attempt >= S3Rest.ATTEMPTS) {
          throw S3Errors.status(retryable ? 500 : 400, code, Xml.text(answer, "Message"), what,
              endpointText, null);
        }
        rest.retries.retrying(code, attempt + 1, S3Rest.ATTEMPTS);
        S3Rest.pause(attempt, S3Rest.throttled(200, code), what, null);
      }
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

  private Call getCall(String bucket, String key, String versionId) {
    Call call = new Call("GET", bucket, key);
    if (versionId != null) {
      call.query("versionId", versionId);
    }
    return call;
  }

  @Override
  public InputStream get(String bucket, String key, String versionId) {
    return rest.ok(getCall(bucket, key, versionId), "download " + key).stream();
  }

  @Override
  public Download open(String bucket, String key, String versionId) {
    Response r = rest.ok(getCall(bucket, key, versionId), "download " + key);
    return new Download(r.stream(), r.length(), r.metadata(), r.lastModified());
  }

  @Override
  public Map<String, String> head(String bucket, String key) {
    try (Response r = rest.ok(new Call("HEAD", bucket, key), "read " + key)) {
      return r.metadata();
    }
  }

  @Override
  public InputStream getRange(String bucket, String key, String versionId, long from, long length) {
    Call call = getCall(bucket, key, versionId).header("range", "bytes=" + from + "-" + (from + length - 1));
    String what = "download " + key;
    Response r = rest.ok(call, what);
    if (r.status != 206 && !(from == 0 && r.length() == length)) {
      r.close();
      throw new StorageException(Kind.CLIENT, what + ": the server ignored the byte range asked for", null);
    }
    return r.stream();
  }

  @Override
  public List<PendingUpload> pendingUploads(String bucket, String prefix) {
    List<PendingUpload> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      Call call = new Call("GET", bucket, null).query("uploads", null).query("prefix", prefix);
      if (keyMarker != null) {
        call.query("key-marker", keyMarker).query("upload-id-marker", idMarker);
      }
      String doc = rest.document(call, "list unfinished uploads");
      for (String u : Xml.blocks(doc, "Upload")) {
        out.add(new PendingUpload(Xml.text(u, "Key"), Xml.text(u, "UploadId"),
            S3Rest.parseTime(Xml.text(u, "Initiated"))));
      }
      if (!"true".equals(Xml.text(doc, "IsTruncated"))) {
        return out;
      }
      keyMarker = Xml.text(doc, "NextKeyMarker");
      idMarker = Xml.text(doc, "NextUploadIdMarker");
      if (keyMarker == null || keyMarker.isEmpty()) {
        return out;
      }
    }
  }

  @Override
  public void abortUpload(String bucket, String key, String uploadId) {
    String what = "abort upload of " + key;
    try (Response r = rest.exchange(new Call("DELETE", bucket, key).query("uploadId", uploadId), what)) {
      if (!r.ok() && r.status != 404) {
        throw S3Errors.status(r.status, r.code, r.message, what, endpointText, null);
      }
    }
  }

  @Override
  public List<ObjectProblem> delete(String bucket, List<String> keys) {
    List<ObjectProblem> problems = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      StringBuilder doc = new StringBuilder("<Delete" + XMLNS + "><Quiet>true</Quiet>");
      for (String k : keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH))) {
        doc.append("<Object><Key>").append(Xml.escape(k)).append("</Key></Object>");
      }
      doc.append("</Delete>");
      String answer = rest.document(new Call("POST", bucket, null).query("delete", null)
          .document(doc.toString()), "delete objects");
      for (String e : Xml.blocks(answer, "Error")) {
        problems.add(new ObjectProblem(Xml.text(e, "Key"), Xml.text(e, "Code") + ": " + Xml.text(e, "Message")));
      }
    }
    return problems;
  }

  @Override
  public void listVersions(String bucket, String prefix, Consumer<p3backup.storage.ObjectVersion> each) {
    throw new UnsupportedOperationException("forget: not yet implemented over S3");
  }

  @Override
  public List<VersionProblem> deleteVersions(String bucket, List<VersionRef> versions) {
    throw new UnsupportedOperationException("forget: not yet implemented over S3");
  }

  @Override
  public void close() {
    rest.close();
  }
}
