package p3backup.testing;

import java.io.InputStream;
import java.util.function.IntSupplier;

/** An input stream that gives its bytes in reads as short as a socket's or a pipe's may be. */
public final class Dribble extends InputStream {
  private final byte[] bytes;
  private final IntSupplier step;
  private int at;

  /** Reads of at most {@code step.getAsInt()} bytes each (at least 1). */
  public Dribble(byte[] bytes, IntSupplier step) {
    this.bytes = bytes;
    this.step = step;
  }

  @Override
  public int read() {
    return at < bytes.length ? bytes[at++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (at >= bytes.length) {
      return -1;
    }
    int n = Math.min(Math.min(len, Math.max(1, step.getAsInt())), bytes.length - at);
    System.arraycopy(bytes, at, b, off, n);
    at += n;
    return n;
  }
}
