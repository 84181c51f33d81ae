package p3backup.storage;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Bytes to upload, held in memory, with a checksum the server checks the upload against:
 * {@code sha256} (raw 32 bytes) or {@code crc32c} (raw 4 bytes, big-endian, as S3 spells it).
 * Exactly one of the two is given: S3 takes one {@code x-amz-checksum-*} per request.
 */
public record Body(byte[] array, int offset, int length, byte[] sha256, byte[] crc32c) {

  public Body {
    if ((sha256 == null) == (crc32c == null)) {
      throw new IllegalArgumentException("a body carries exactly one checksum");
    }
  }

  /** A body checked by its CRC32C, computed here (hardware-assisted: a few ms per 100 MiB). */
  public static Body withCrc32c(byte[] array, int offset, int length) {
    return new Body(array, offset, length, null, crc32c(array, offset, length));
  }

  /** The CRC32C of the bytes, as S3's 4 big-endian bytes. */
  public static byte[] crc32c(byte[] array, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(array, offset, length);
    int v = (int) crc.getValue();
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  public InputStream open() {
    return new ByteArrayInputStream(array, offset, length);
  }

  public String sha256Base64() {
    return sha256 == null ? null : Base64.getEncoder().encodeToString(sha256);
  }

  public String crc32cBase64() {
    return crc32c == null ? null : Base64.getEncoder().encodeToString(crc32c);
  }
}
