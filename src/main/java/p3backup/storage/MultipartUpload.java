package p3backup.storage;

/** One multipart upload under way. Parts may be uploaded from several threads at once. */
public interface MultipartUpload {
  /** Uploads part {@code number} (1-based); the body carries its MD5. */
  void uploadPart(int number, Body body);

  /** Completes the upload with parts 1..partCount; returns the new version, if any. */
  PutResult complete(int partCount);

  /** Abandons the upload, freeing its parts on the server. Never throws. */
  void abort();
}
