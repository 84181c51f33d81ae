package p3backup.storage.s3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small HTTP/1.1 client for S3's requests: one request per exchange on kept-alive
 * connections, bodies framed by Content-Length or chunked, TLS with the JDK's trust store and
 * host-name checks. It does what S3 needs and no more (no redirects, no proxies, no
 * compression), with a few system calls and no parsing beyond the head of each answer.
 */
final class Http {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int READ_TIMEOUT_MS = 120_000;
  /** Idle connections older than this are closed, not reused: servers drop them after a while. */
  private static final long MAX_IDLE_NANOS = 4_000_000_000L;
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final int maxIdle;
  private final Map<String, ConcurrentLinkedDeque<Conn>> idle = new ConcurrentHashMap<>();

  Http(int maxIdlePerHost) {
    this.maxIdle = Math.max(1, maxIdlePerHost);
  }

  /** An answer: status, headers (names in lower case), and its body. */
  static final class Answer {
    final int status;
    private final List<String[]> headers;
    final InputStream body;
    final long length;

    Answer(int status, List<String[]> headers, InputStream body, long length) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.length = length;
    }

    /** The first value of a header, or null; {@code name} in lower case. */
    String header(String name) {
      return find(headers, name);
    }

    List<String[]> headers() {
      return headers;
    }
  }

  private static final class Conn {
    final String key;
    final Socket socket;
    final Input in;
    final OutputStream out;
    long idleSince;

    Conn(String key, Socket socket) throws IOException {
      this.key = key;
      this.socket = socket;
      this.in = new Input(socket.getInputStream(), 64 * 1024);
      this.out = socket.getOutputStream();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // gone either way
      }
    }
  }

  /**
   * Sends one request and reads the head of its answer.
   *
   * @param head the request line and headers, each line ending in CRLF, without the blank line
   * @param body the body, or null
   */
  Answer exchange(boolean tls, String host, int port, String method, String head, byte[] body,
      int offset, int length) throws IOException {
    String key = (tls ? "https://" : "http://") + host + ":" + port;
    byte[] headBytes = (head + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    Conn c = pooled(key);
    boolean reused = c != null;
    if (c == null) {
      c = open(key, tls, host, port);
    }
    try {
      if (body != null && length > 0 && headBytes.length + length <= 16 * 1024) {
        byte[] all = new byte[headBytes.length + length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, offset, all, headBytes.length, length);
        c.out.write(all);
      } else {
        c.out.write(headBytes);
        if (body != null && length > 0) {
          c.out.write(body, offset, length);
        }
      }
      c.out.flush();
      return read(c, method);
    } catch (IOException | RuntimeException e) {
      c.close();
      if (reused && e instanceof EOFException) {
        // The server closed the idle connection as the request went out: say so plainly.
        throw new IOException("the server closed a kept-alive connection: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private Conn pooled(String key) {
    ConcurrentLinkedDeque<Conn> q = idle.get(key);
    if (q == null) {
      return null;
    }
    long now = System.nanoTime();
    Conn c;
    while ((c = q.pollFirst()) != null) {
      try {
        if (now - c.idleSince < MAX_IDLE_NANOS && c.in.available() == 0 && !c.socket.isClosed()) {
          return c;
        }
      } catch (IOException e) {
        // unusable
      }
      c.close();
    }
    return null;
  }

  private static Conn open(String key, boolean tls, String host, int port) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      s.connect(new InetSocketAddress(name, port), CONNECT_TIMEOUT_MS);
      s.setSoTimeout(READ_TIMEOUT_MS);
      if (tls) {
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
            .createSocket(s, name, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return new Conn(key, ssl);
      }
      return new Conn(key, s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void release(Conn c) {
    c.idleSince = System.nanoTime();
    ConcurrentLinkedDeque<Conn> q = idle.computeIfAbsent(c.key, k -> new ConcurrentLinkedDeque<>());
    if (q.size() >= maxIdle) {
      c.close();
      return;
    }
    q.addFirst(c);
  }

  private Answer read(Conn c, String method) throws IOException {
    int status;
    List<String[]> headers;
    boolean http10;
    do {
      String statusLine = c.in.line();
      http10 = statusLine.startsWith("HTTP/1.0");
      if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer: " + printable(statusLine));
      }
      try {
        status = Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status: " + printable(statusLine), e);
      }
      headers = new ArrayList<>(16);
      int size = 0;
      for (String l = c.in.line(); !l.isEmpty(); l = c.in.line()) {
        size += l.length();
        if (size > MAX_HEAD_BYTES) {
          throw new IOException("the answer's headers are too long");
        }
        int colon = l.indexOf(':');
        if (colon > 0) {
          headers.add(new String[] {l.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              l.substring(colon + 1).strip()});
        }
      }
    } while (status == 100);
    String connection = find(headers, "connection");
    boolean close = "close".equalsIgnoreCase(connection)
        || (http10 && !"keep-alive".equalsIgnoreCase(connection));
    String te = find(headers, "transfer-encoding");
    String cl = find(headers, "content-length");
    long length = -1;
    if (cl != null) {
      try {
        length = Long.parseLong(cl.strip());
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length: " + printable(cl), e);
      }
    }
    InputStream body;
    if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
      body = InputStream.nullInputStream();
      finished(c, close);
    } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = new Chunked(c, close);
      length = -1;
    } else if (length >= 0) {
      body = length == 0 ? InputStream.nullInputStream() : new Fixed(c, length, close);
      if (length == 0) {
        finished(c, close);
      }
    } else {
      body = new UntilClose(c); // framed by the end of the connection
    }
    return new Answer(status, headers, body, length);
  }

  private void finished(Conn c, boolean close) {
    if (close) {
      c.close();
    } else {
      release(c);
    }
  }

  private static String find(List<String[]> headers, String name) {
    for (String[] h : headers) {
      if (h[0].equals(name)) {
        return h[1];
      }
    }
    return null;
  }

  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * A framed body on a connection: read to its end, the connection goes back to the pool (or is
   * closed when the server said so); closed before its end, the connection is closed.
   */
  private abstract class Framed extends InputStream {
    final Conn c;
    final boolean closeAfter;
    boolean done;

    Framed(Conn c, boolean closeAfter) {
      this.c = c;
      this.closeAfter = closeAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        c.close(); // not read to the end: the connection can't carry another answer
      }
    }
  }

  /** A body of a known length. */
  private final class Fixed extends Framed {
    private long left;

    Fixed(Conn c, long length, boolean closeAfter) {
      super(c, closeAfter);
      this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        end();
        return -1;
      }
      if (done) {
        throw new IOException("the body was closed");
      }
      int n = c.in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        done = true;
        c.close();
        return -1; // short: the caller compares with the length
      }
      left -= n;
      if (left == 0) {
        end();
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return done ? 0 : (int) Math.min(c.in.available(), left);
    }

    private void end() {
      if (!done) {
        done = true;
        finished(c, closeAfter);
      }
    }
  }

  /** A chunked body, whole once the last chunk and the trailers were read. */
  private final class Chunked extends Framed {
    private long chunkLeft;
    private boolean eof;

    Chunked(Conn c, boolean closeAfter) {
      super(c, closeAfter);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (eof) {
        return -1;
      }
      if (done) {
        throw new IOException("the body was closed");
      }
      if (chunkLeft == 0) {
        String size = c.in.line();
        int semi = size.indexOf(';');
        try {
          chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + printable(size), e);
        }
        if (chunkLeft == 0) {
          while (!c.in.line().isEmpty()) {
            // trailers: none are used
          }
          eof = true;
          done = true;
          finished(c, closeAfter);
          return -1;
        }
      }
      int n = c.in.read(b, off, (int) Math.min(len, chunkLeft));
      if (n < 0) {
        throw new EOFException("the connection closed inside a chunk");
      }
      chunkLeft -= n;
      if (chunkLeft == 0 && !c.in.line().isEmpty()) {
        throw new IOException("a chunk did not end where its size said");
      }
      return n;
    }
  }

  /** A body that ends when the server closes the connection. */
  private static final class UntilClose extends InputStream {
    private final Conn c;

    UntilClose(Conn c) {
      this.c = c;
    }

    @Override
    public int read() throws IOException {
      return c.in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return c.in.read(b, off, len);
    }

    @Override
    public void close() {
      c.close();
    }
  }

  /**
   * A connection's input, buffered. Unlike BufferedInputStream it takes no lock per call (one
   * thread at a time uses a connection) and reads a header line by scanning its buffer, not byte
   * by byte: most of an answer to a small request is its head.
   */
  static final class Input extends InputStream {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;

    Input(InputStream in, int size) {
      this.in = in;
      this.buf = new byte[size];
    }

    private boolean fill() throws IOException {
      pos = 0;
      lim = 0;
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        return false;
      }
      lim = n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (pos >= lim && !fill()) {
        return -1;
      }
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= lim) {
        if (len >= buf.length) {
          return in.read(b, off, len); // a large read: straight into the caller's array
        }
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, lim - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (lim - pos) + in.available();
    }

    /** The next line, without its CRLF (or bare LF), as ISO-8859-1 text. */
    String line() throws IOException {
      StringBuilder longer = null; // a line split across reads
      while (true) {
        if (pos >= lim && !fill()) {
          throw new EOFException("the connection closed before the answer was complete");
        }
        for (int i = pos; i < lim; i++) {
          if (buf[i] == '\n') {
            int start = pos;
            pos = i + 1;
            if (longer == null) {
              int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
              return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
            }
            longer.append(new String(buf, start, i - start, StandardCharsets.ISO_8859_1));
            int n = longer.length();
            if (n > 0 && longer.charAt(n - 1) == '\r') {
              longer.setLength(n - 1);
            }
            return longer.toString();
          }
        }
        if (longer == null) {
          longer = new StringBuilder(2 * (lim - pos));
        }
        longer.append(new String(buf, pos, lim - pos, StandardCharsets.ISO_8859_1));
        pos = lim;
        if (longer.length() > MAX_HEAD_BYTES) {
          throw new IOException("an answer's header line is too long");
        }
      }
    }
  }

  /** Closes every idle connection. */
  void close() {
    for (ConcurrentLinkedDeque<Conn> q : idle.values()) {
      Conn c;
      while ((c = q.pollFirst()) != null) {
        c.close();
      }
    }
  }
}
