package p3backup.storage;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Base64;

/**
 * Bytes to upload, held in memory, with their digests: the server checks the upload against
 * them. {@code sha256} (raw 32 bytes) or {@code md5} (raw 16 bytes) may be null, not both.
 */
public record Body(byte[] array, int offset, int length, byte[] sha256, byte[] md5) {

  public InputStream open() {
    return new ByteArrayInputStream(array, offset, length);
  }

  public String sha256Base64() {
    return sha256 == null ? null : Base64.getEncoder().encodeToString(sha256);
  }

  public String md5Base64() {
    return md5 == null ? null : Base64.getEncoder().encodeToString(md5);
  }
}
