package p3backup.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A loopback HTTP relay in front of a real server that records the request line of every request
 * passing through (method and path), so that tests can count what a run asked of S3.
 */
public final class CountingProxy implements AutoCloseable {
  private final ServerSocket socket;
  private final URI target;
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
  private volatile java.util.function.Predicate<String> hold = r -> false;
  private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

  public CountingProxy(URI target) throws IOException {
    this.target = target;
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "counting-proxy");
    t.setDaemon(true);
    t.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** The requests so far, as "METHOD /path?query". */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public void reset() {
    requests.clear();
  }

  /**
   * Holds every later request whose line ("METHOD /path?query") matches: it is never passed on,
   * and its client waits, as on a server that stopped answering, until {@link #close()}.
   */
  public void holdWhen(java.util.function.Predicate<String> requestLine) {
    hold = requestLine;
  }

  /** How many requests are being held. */
  public int held() {
    return held.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
        open.add(client);
        open.add(server);
        Thread up = new Thread(() -> relayRequests(client, server), "proxy-up");
        Thread down = new Thread(() -> pipe(server, client), "proxy-down");
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Copies requests one by one, reading each head and its Content-Length body. */
  private void relayRequests(Socket client, Socket server) {
    try (InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = server.getOutputStream()) {
      while (true) {
        byte[] head = HttpHeads.read(in);
        if (head == null) {
          break;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        int sp = requestLine.lastIndexOf(' ');
        String request = sp > 0 ? requestLine.substring(0, sp) : requestLine;
        requests.add(request);
        if (hold.test(request)) {
          held.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        long length = 0;
        for (String line : text.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(line.substring(15).trim());
          }
        }
        out.write(head);
        out.flush();
        byte[] buf = new byte[65536];
        while (length > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, length));
          if (n < 0) {
            return;
          }
          out.write(buf, 0, n);
          length -= n;
        }
        out.flush();
      }
    } catch (IOException e) {
      // connection closed
    } finally {
      closeQuietly(server);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // closed
    } finally {
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    socket.close();
    synchronized (open) {
      for (Socket s : open) {
        closeQuietly(s);
      }
    }
  }
}
