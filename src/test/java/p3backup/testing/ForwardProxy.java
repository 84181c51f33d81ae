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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback HTTP forward proxy, as HTTP_PROXY and HTTPS_PROXY name one: it takes requests in
 * absolute form ({@code GET http://host:port/path}) and tunnels ({@code CONNECT host:port}),
 * and reaches only the host names it was given ({@link #route}), which nothing else can resolve
 * (such as {@code s3.invalid}). It records each connection's first request line.
 */
public final class ForwardProxy implements AutoCloseable {
  private final ServerSocket socket;
  private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

  public ForwardProxy() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "forward-proxy");
    t.setDaemon(true);
    t.start();
  }

  /** Sends what is asked of {@code host} (any port) to {@code to}. */
  public ForwardProxy route(String host, URI to) {
    routes.put(host, new InetSocketAddress(to.getHost(), to.getPort()));
    return this;
  }

  /** The proxy's URL, as HTTP_PROXY takes it. */
  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** The first request line of each connection so far, without the HTTP version. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "forward-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      byte[] head = HttpHeads.read(in);
      if (head == null) {
        client.close();
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
      requests.add(line[0] + " " + line[1]);
      boolean tunnel = line[0].equals("CONNECT");
      String host = tunnel ? line[1].substring(0, line[1].lastIndexOf(':')) : URI.create(line[1]).getHost();
      InetSocketAddress to = routes.get(host);
      if (to == null) {
        out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        client.close();
        return;
      }
      Socket server = new Socket();
      server.connect(to, 5000);
      open.add(server);
      if (tunnel) {
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } else {
        // The server takes the request in absolute form as it is (HTTP/1.1 servers must).
        server.getOutputStream().write(head);
      }
      Thread down = new Thread(() -> pipe(server, client), "forward-proxy-down");
      down.setDaemon(true);
      down.start();
      pipe(in, client, server);
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      pipe(from.getInputStream(), from, to);
    } catch (IOException e) {
      closeQuietly(to);
    }
  }

  private static void pipe(InputStream in, Socket from, Socket to) {
    try (OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // closed
    } finally {
      closeQuietly(from);
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

  /** Stops accepting and drops every connection still open. */
  @Override
  public void close() throws IOException {
    socket.close();
    List.copyOf(open).forEach(ForwardProxy::closeQuietly);
  }
}
