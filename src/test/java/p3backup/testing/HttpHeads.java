package p3backup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads the head of an HTTP/1.1 message, through its blank line, for the test relays. */
final class HttpHeads {
  private HttpHeads() {}

  /** The head's bytes, or null when the stream ends first. */
  static byte[] read(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
          : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    return b.toByteArray();
  }
}
