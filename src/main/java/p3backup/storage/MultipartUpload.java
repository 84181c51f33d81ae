package p3backup.storage;

/**
 * One multipart upload under way, started with CRC32C as its checksum: every part carries its
 * CRC32C, which the server checks and the completion lists. Parts may be uploaded from several
 * threads at once.
 */
public interface MultipartUpload {
  /** Uploads part {@code number} (1-based); the body carries its CRC32C. */
  void uploadPart(int number, Body body);

  /** Completes the upload with parts 1..partCount; returns the new version, if any. */
  PutResult complete(int partCount);

  /** Abandons the upload, freeing its parts on the server. Never throws. */
  void abort();
}
