package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import p3backup.testing.Dribble;

/** The connection input's line reader, whatever sizes the socket's reads come in. */
class HttpInputTest {

  static InputStream dribble(byte[] bytes, int step) {
    return new Dribble(bytes, () -> step);
  }

  @Test
  void headLinesAndBodyComeOutTheSameForEveryReadSize() throws IOException {
    String head = "HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nx-amz-meta-n: caf\u00e9\r\nBare: lf\n\r\n";
    byte[] body = new byte[300];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    byte[] all = new byte[head.length() + body.length];
    System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, all, 0, head.length());
    System.arraycopy(body, 0, all, head.length(), body.length);
    for (int step = 1; step <= all.length; step++) {
      for (int size : new int[] {8, 64, 1024}) {
        Http.Input in = new Http.Input(dribble(all, step), size);
        List<String> lines = new ArrayList<>();
        for (String l = in.line(); !l.isEmpty(); l = in.line()) {
          lines.add(l);
        }
        assertEquals(List.of("HTTP/1.1 200 OK", "ETag: \"abc\"", "x-amz-meta-n: caf\u00e9", "Bare: lf"),
            lines, "step " + step + ", buffer " + size);
        assertArrayEquals(body, in.readAllBytes(), "step " + step + ", buffer " + size);
      }
    }
  }

  @Test
  void anAnswerCutShortOrALineTooLongIsAnError() {
    byte[] cut = "HTTP/1.1 200 OK\r\nETag: \"ab".getBytes(StandardCharsets.ISO_8859_1);
    Http.Input in = new Http.Input(dribble(cut, 5), 16);
    assertThrows(EOFException.class, () -> {
      in.line();
      in.line();
    });
    byte[] endless = ("X-Long: " + "a".repeat(70_000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    IOException e = assertThrows(IOException.class,
        () -> new Http.Input(dribble(endless, 4096), 1024).line());
    assertEquals("an answer's header line is too long", e.getMessage());
  }
}
