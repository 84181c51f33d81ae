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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A loopback HTTP relay in front of a real S3 server that injects faults into a share of the
 * requests, chosen by a seeded random generator: 503 SlowDown and 500 InternalError answers,
 * connections closed in the middle of a request or of a response, and slow answers. Each
 * request goes to the server on a connection of its own.
 */
public final class FaultProxy implements AutoCloseable {
  /** What happens to one request. */
  public enum Fault {
    NONE,
    SLOW_DOWN_503,
    INTERNAL_ERROR_500,
    CLOSE_MID_REQUEST,
    CLOSE_MID_RESPONSE,
    SLOW
  }

  private final ServerSocket socket;
  private final URI target;
  private final Random random;
  private final double share;
  private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
  private final Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
  private volatile boolean always503;
  private volatile int stopAfter = -1;
  private int requests;

  /** Injects a fault into {@code share} (0..1) of the requests, drawn from {@code seed}. */
  public FaultProxy(URI target, long seed, double share) throws IOException {
    this.target = target;
    this.random = new Random(seed);
    this.share = share;
    socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fault-proxy");
    t.setDaemon(true);
    t.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** From now on every request gets 503 SlowDown: a server that never recovers. */
  public void failEverything() {
    always503 = true;
  }

  /**
   * After {@code count} more requests the relay stops as a server that dies would: the request
   * after them and every open connection are closed, and new connections are refused.
   */
  public synchronized void stopAfter(int count) {
    stopAfter = requests + count;
  }

  /** How many requests met each fault so far. */
  public synchronized Map<Fault, Integer> counts() {
    return new EnumMap<>(counts);
  }

  private synchronized Fault next() {
    requests++;
    Fault f = Fault.NONE;
    if (always503) {
      f = Fault.SLOW_DOWN_503;
    } else if (random.nextDouble() < share) {
      Fault[] faults = Fault.values();
      f = faults[1 + random.nextInt(faults.length - 1)];
    }
    counts.merge(f, 1, Integer::sum);
    return f;
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream()) {
      while (true) {
        byte[] head = HttpHeads.read(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        long length = 0;
        boolean expect = false;
        StringBuilder forward = new StringBuilder();
        for (String line : text.split("\r\n")) {
          String lower = line.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(line.substring(15).trim());
          }
          if (lower.startsWith("expect:")) {
            expect = true;
            continue;
          }
          if (lower.startsWith("connection:")) {
            continue;
          }
          if (!line.isEmpty()) {
            forward.append(line).append("\r\n");
          }
        }
        forward.append("Connection: close\r\n\r\n");
        Fault fault = next();
        if (stopped()) {
          close();
          return;
        }
        if (expect && fault != Fault.SLOW_DOWN_503 && fault != Fault.INTERNAL_ERROR_500) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        switch (fault) {
          case SLOW_DOWN_503 -> {
            error(out, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
            return;
          }
          case INTERNAL_ERROR_500 -> {
            error(out, 500, "Internal Server Error", "InternalError", "We encountered an internal error.");
            return;
          }
          case CLOSE_MID_REQUEST -> {
            in.readNBytes((int) Math.min(length / 2, 1 << 20));
            return;
          }
          default -> {
            if (fault == Fault.SLOW) {
              Thread.sleep(300);
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
              return;
            }
            relay(forward.toString(), body, out, fault == Fault.CLOSE_MID_RESPONSE);
            return; // the server's answer said Connection: close
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    } finally {
      open.remove(client);
    }
  }

  private synchronized boolean stopped() {
    return stopAfter >= 0 && requests > stopAfter;
  }

  private void relay(String head, byte[] body, OutputStream out, boolean cut) throws IOException {
    try (Socket server = new Socket()) {
      server.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
      OutputStream up = server.getOutputStream();
      up.write(head.getBytes(StandardCharsets.ISO_8859_1));
      up.write(body);
      up.flush();
      InputStream down = server.getInputStream();
      byte[] buf = new byte[65536];
      long sent = 0;
      int n;
      while ((n = down.read(buf)) > 0) {
        if (cut && sent + n > 200) {
          out.write(buf, 0, (int) Math.max(0, 200 - sent));
          out.flush();
          return; // closed in the middle of the response
        }
        out.write(buf, 0, n);
        sent += n;
      }
      out.flush();
    }
  }

  private static void error(OutputStream out, int status, String reason, String code, String message)
      throws IOException {
    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
        + "</Code><Message>" + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\n"
        + "Content-Length: " + xml.length + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(xml);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
