package p3backup.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

/**
 * The lines of a manifest as UTF-8 bytes, and a reader for the entry lines p3backup itself writes
 * that makes no map, no boxed number and no copy of the line in chars: a manifest of 1,000,000
 * entries is read with a quarter (native) to 40% (JVM) less CPU than through jackson-core's
 * streaming parser, decompression included (see
 * docs/benchmark.md, "JSON: jackson-core against our own code").
 *
 * <p>{@link #entry} takes only the plain spelling {@link ManifestCodec} writes: members of known
 * names, once each, strings without escapes, integers, no spaces. Any other line, valid or not,
 * gets null, and jackson's parser ({@link ManifestCodec#object}) reads it and says what is wrong
 * with it; the two readers agree on every line the fast one takes.
 */
final class ManifestLines {
  private static final int PATH = 0;
  private static final int TYPE = 1;
  private static final int SIZE = 2;
  private static final int MTIME = 3;
  private static final int MODE = 4;
  private static final int SHA256 = 5;
  private static final int VERSION = 6;
  private static final int TARGET = 7;
  private static final int MARKER = 8;
  private static final int CTIME = 9;
  private static final int INODE = 10;
  private static final byte[][] NAMES = {
      ascii("path"), ascii("type"), ascii("size"), ascii("mtimeNs"), ascii("mode"),
      ascii("sha256"), ascii("version"), ascii("target"), ascii("marker"), ascii("ctimeNs"),
      ascii("inode")};
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  private final InputStream in;
  private byte[] buf = new byte[1 << 16];
  private int filled;
  private int next;
  private boolean eof;
  /** The current line: bytes {@code start} to {@code end} of {@link #buf}, without its newline. */
  private int start;
  private int end;

  ManifestLines(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line; false at the end of the input. */
  boolean next() throws IOException {
    int scanned = next;
    while (true) {
      for (int i = scanned; i < filled; i++) {
        if (buf[i] == '\n') {
          start = next;
          end = i;
          next = i + 1;
          return true;
        }
      }
      scanned = filled;
      if (eof) {
        if (next == filled) {
          return false;
        }
        start = next;
        end = filled;
        next = filled;
        return true;
      }
      if (next > 0) { // keep the partial line, drop what was read before it
        System.arraycopy(buf, next, buf, 0, filled - next);
        scanned -= next;
        filled -= next;
        next = 0;
      }
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        eof = true;
      } else {
        filled += n;
      }
    }
  }

  /** The current line as text, for jackson's parser. */
  String text() {
    return new String(buf, start, end - start, StandardCharsets.UTF_8);
  }

  /** The current line as an entry when it is in the plain spelling; otherwise null. */
  ManifestEntry entry() {
    return entry(buf, start, end);
  }

  static ManifestEntry entry(byte[] b, int from, int to) {
    int p = from;
    if (p >= to || b[p++] != '{') {
      return null;
    }
    String path = null;
    String type = null;
    String mode = null;
    String sha256 = null;
    String version = null;
    String target = null;
    String inode = null;
    long size = 0;
    long mtime = 0;
    long ctime = FileStat.NONE;
    boolean marker = false;
    int seen = 0;
    while (true) {
      if (p >= to || b[p++] != '"') {
        return null;
      }
      int nameStart = p;
      while (p < to && b[p] != '"') {
        p++;
      }
      int key = key(b, nameStart, p);
      if (key < 0 || (seen & (1 << key)) != 0 || p + 2 >= to || b[p + 1] != ':') {
        return null;
      }
      seen |= 1 << key;
      p += 2;
      byte c = b[p];
      if (c == '"') {
        int valueStart = ++p;
        while (p < to && b[p] != '"') {
          if (b[p] == '\\' || (b[p] >= 0 && b[p] < 0x20)) {
            return null;
          }
          p++;
        }
        if (p >= to) {
          return null;
        }
        String v = new String(b, valueStart, p - valueStart, StandardCharsets.UTF_8);
        p++;
        switch (key) {
          case PATH -> path = v;
          case TYPE -> type = v;
          case MODE -> mode = v;
          case SHA256 -> sha256 = v;
          case VERSION -> version = v;
          case TARGET -> target = v;
          case INODE -> inode = v;
          default -> {
            return null;
          }
        }
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        // As Long.parseLong: summed negatively, so that Long.MIN_VALUE fits; null on overflow.
        boolean negative = c == '-';
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        int digits = negative ? p + 1 : p;
        int q = digits;
        long v = 0;
        while (q < to && b[q] >= '0' && b[q] <= '9') {
          int d = b[q] - '0';
          if (v < limit / 10 || v * 10 < limit + d) {
            return null;
          }
          v = v * 10 - d;
          q++;
        }
        int count = q - digits;
        if (count == 0 || (b[digits] == '0' && count > 1)
            || (q < to && (b[q] == '.' || b[q] == 'e' || b[q] == 'E'))) {
          return null;
        }
        p = q;
        v = negative ? v : -v;
        switch (key) {
          case SIZE -> size = v;
          case MTIME -> mtime = v;
          case CTIME -> ctime = v;
          default -> {
            return null;
          }
        }
      } else if (key == MARKER && matches(b, p, to, TRUE)) {
        marker = true;
        p += TRUE.length;
      } else if (key == MARKER && matches(b, p, to, FALSE)) {
        p += FALSE.length;
      } else {
        return null;
      }
      if (p >= to) {
        return null;
      }
      c = b[p++];
      if (c == '}') {
        break;
      }
      if (c != ',') {
        return null;
      }
    }
    if (p != to || path == null || type == null || (seen & (1 << MTIME)) == 0) {
      return null;
    }
    return new ManifestEntry(path, EntryType.parse(type), size, mtime,
        mode == null ? -1 : Integer.parseInt(mode, 8), sha256, version, target, marker, ctime,
        inode);
  }

  private static int key(byte[] b, int from, int to) {
    int n = to - from;
    for (int k = 0; k < NAMES.length; k++) {
      byte[] name = NAMES[k];
      if (name.length == n && Arrays.equals(b, from, to, name, 0, n)) {
        return k;
      }
    }
    return -1;
  }

  private static boolean matches(byte[] b, int at, int to, byte[] word) {
    return to - at >= word.length && Arrays.equals(b, at, at + word.length, word, 0, word.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
