package p3backup.storage;

import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * The few S3 operations p3backup uses, free of any SDK type. One implementation talks to S3
 * ({@code p3backup.storage.s3}); tests may run others. Every method throws {@link
 * StorageException} for failures that remain after the implementation's own retries.
 */
public interface ObjectStore extends AutoCloseable {

  /** Whether the bucket exists and is ours to use. */
  BucketState bucketState(String bucket);

  /**
   * Creates a bucket with the protections of {@link BucketSetup}. Returns warnings for each
   * protection the server does not implement; fails only if the bucket itself can't be made.
   */
  List<String> createBucket(String bucket, BucketSetup setup);

  /** All buckets of the account. */
  List<BucketInfo> listBuckets();

  /** Lists the objects under a key prefix, in key order, one call per object. */
  default void list(String bucket, String prefix, Consumer<ObjectInfo> each) {
    list(bucket, prefix, false, each);
  }

  /**
   * Like {@link #list(String, String, Consumer)}; {@code shallow} lists only the keys directly
   * under {@code prefix}, a folder's prefix ending in {@code /}: those with no {@code /} after
   * it (S3's delimiter {@code /}), the prefix itself included, none of its subfolders' keys.
   */
  void list(String bucket, String prefix, boolean shallow, Consumer<ObjectInfo> each);

  /** Uploads a whole object in one request; the body is checked by the server against sha256. */
  PutResult put(String bucket, String key, Body body, ObjectAttributes attributes);

  /** Starts a multipart upload. */
  MultipartUpload startMultipart(String bucket, String key, ObjectAttributes attributes);

  /** Opens an object (a given version, or the current one when versionId is null). */
  InputStream get(String bucket, String key, String versionId);

  /** Opens an object with its length and user metadata (a given version, or the current one). */
  Download open(String bucket, String key, String versionId);

  /** An object's user metadata (without the x-amz-meta- prefix). */
  java.util.Map<String, String> head(String bucket, String key);

  /** Opens a byte range [from, from+length) of an object. */
  InputStream getRange(String bucket, String key, String versionId, long from, long length);

  /** Multipart uploads started under a key prefix and neither completed nor aborted. */
  List<PendingUpload> pendingUploads(String bucket, String prefix);

  /** Aborts a multipart upload left behind. Never throws for one already gone. */
  void abortUpload(String bucket, String key, String uploadId);

  /** A multipart upload under way, or left behind by a run that died. */
  record PendingUpload(String key, String uploadId, java.time.Instant initiated) {}

  /** Deletes objects (their current versions); returns the keys that failed, with why. */
  List<ObjectProblem> delete(String bucket, List<String> keys);

  /**
   * Lists every version of every object under a key prefix, delete markers included: S3's
   * ListObjectVersions (prefix, no delimiter), paged through to the end, in key order and within
   * a key newest first. {@code versionId} is the server's ("null" for a version written while
   * the bucket kept none). A server that does not implement version listing (NotImplemented,
   * as S3Proxy on a file system) lists the current objects instead, as {@link #list} does: each
   * once, {@code latest}, not a delete marker, with versionId null.
   */
  default void listVersions(String bucket, String prefix, Consumer<ObjectVersion> each) {
    listVersions(bucket, prefix, false, each);
  }

  /** Like {@link #listVersions(String, String, Consumer)}, shallow as {@link #list} is. */
  void listVersions(String bucket, String prefix, boolean shallow, Consumer<ObjectVersion> each);

  /**
   * Deletes exactly these versions, delete markers included, for good: one DeleteObjects
   * request (quiet) with a version id per key; callers pass at most {@link #DELETE_BATCH}. A
   * version whose versionId is null (listed so by a server without version listing) is deleted
   * by key alone; callers give such only for a bucket that keeps no versions, where that adds
   * no delete marker. A version already gone counts as deleted. Returns the versions the server
   * refused (its per-key errors), each with its reason; throws StorageException only when the
   * request as a whole fails after retries.
   */
  List<VersionProblem> deleteVersions(String bucket, List<VersionRef> versions);

  /** The most keys one delete request takes (S3's DeleteObjects limit). */
  int DELETE_BATCH = 1000;

  /** One version of one object: its key and version id (null: the object, unversioned). */
  record VersionRef(String key, String versionId) {}

  /** A version that could not be deleted, with the server's reason. */
  record VersionProblem(VersionRef version, String message) {}

  @Override
  void close();

  /** A key that could not be handled, with the server's reason. */
  record ObjectProblem(String key, String message) {}
}
