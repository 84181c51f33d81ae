package p3backup.scan;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 and MD5 digests, and the hex spelling manifests use. */
public final class Digests {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Digests() {}

  public static MessageDigest sha256() {
    return digest("SHA-256");
  }

  public static MessageDigest md5() {
    return digest("MD5");
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " is missing from this Java runtime", e);
    }
  }

  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
