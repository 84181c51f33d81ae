package p3backup.storage;

import java.util.Map;

/**
 * What an uploaded object carries besides its bytes: content type, user metadata (without the
 * {@code x-amz-meta-} prefix), and optional storage class and server-side encryption (null for
 * the bucket's default).
 */
public record ObjectAttributes(
    String contentType, Map<String, String> metadata, String storageClass, String sse,
    String sseKmsKeyId) {

  public ObjectAttributes {
    metadata = Map.copyOf(metadata);
  }

  public ObjectAttributes with(String type, Map<String, String> m) {
    return new ObjectAttributes(type, m, storageClass, sse, sseKmsKeyId);
  }
}
