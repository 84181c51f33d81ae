package p3backup.storage.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.SortedMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 requests, signed in the Authorization header. Pure: the
 * caller gives the time and the headers to sign; nothing here touches the network.
 *
 * <p>The signing key changes once a day per region, so it is kept until the date or the secret
 * changes; a signature then costs two SHA-256 computations over a few hundred bytes.
 */
final class SigV4 {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  /** SHA-256 of no bytes, for requests without a body. */
  static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String region;
  private final String service;
  private volatile SigningKey key;

  private record SigningKey(String date, String secret, byte[] bytes) {}

  SigV4(String region, String service) {
    this.region = region;
    this.service = service;
  }

  /**
   * The Authorization header's value.
   *
   * @param method the HTTP method
   * @param canonicalUri the path as sent, already percent-encoded
   * @param canonicalQuery the query as {@link #canonicalQuery} makes it
   * @param headers the headers to sign, names in lower case, sorted (host and x-amz-date among
   *     them)
   * @param payloadHash the value of x-amz-content-sha256
   * @param amzDate the time of x-amz-date, as yyyyMMdd'T'HHmmss'Z'
   */
  String authorization(String method, String canonicalUri, String canonicalQuery,
      SortedMap<String, String> headers, String payloadHash, String amzDate,
      String accessKeyId, String secretKey) {
    StringBuilder canonical = new StringBuilder(256);
    canonical.append(method).append('\n').append(canonicalUri).append('\n')
        .append(canonicalQuery).append('\n');
    StringBuilder signed = new StringBuilder(64);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      canonical.append(h.getKey()).append(':').append(h.getValue().strip()).append('\n');
      if (signed.length() > 0) {
        signed.append(';');
      }
      signed.append(h.getKey());
    }
    canonical.append('\n').append(signed).append('\n').append(payloadHash);
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    String signature = hex(hmac(signingKey(date, secretKey), toSign));
    return ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signed
        + ", Signature=" + signature;
  }

  private byte[] signingKey(String date, String secret) {
    SigningKey k = key;
    if (k == null || !k.date().equals(date) || !k.secret().equals(secret)) {
      byte[] b = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
      b = hmac(b, region);
      b = hmac(b, service);
      b = hmac(b, "aws4_request");
      k = new SigningKey(date, secret, b);
      key = k;
    }
    return k.bytes();
  }

  /** The canonical query string: names and values encoded, sorted by name, then value. */
  static String canonicalQuery(SortedMap<String, String> encodedParams) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> p : encodedParams.entrySet()) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(p.getKey()).append('=').append(p.getValue());
    }
    return b.toString();
  }

  /**
   * Percent-encodes as SigV4 and S3 want it: every byte of the UTF-8 form but the unreserved
   * characters, upper-case hex, and '/' left as is when {@code keepSlash}.
   */
  static String encode(String s, boolean keepSlash) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!unreserved(c) && !(keepSlash && c == '/')) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (byte x : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
          char ch = (char) (x & 0xff);
          if (unreserved(ch) || (keepSlash && ch == '/')) {
            b.append(ch);
          } else {
            b.append('%').append(Character.toUpperCase(HEX[(x >> 4) & 0xf]))
                .append(Character.toUpperCase(HEX[x & 0xf]));
          }
        }
        return b.toString();
      }
    }
    return s;
  }

  private static boolean unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~';
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
