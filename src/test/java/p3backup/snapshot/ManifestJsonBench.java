package p3backup.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import p3backup.paths.EntryType;

/**
 * Not a test: times writing and reading a manifest of N entries with our JSON code or with
 * jackson-core (docs/benchmark.md, "JSON: jackson-core against our own code"). One mode per
 * process: {@code ManifestJsonBench MODE FILE [N]}, MODE one of {@code write-ours read-ours}
 * (ManifestWriter and ManifestReader as they are at this commit), {@code write-jackson
 * read-jackson} ({@link JacksonCandidate}: jackson's generator and parser for every line),
 * {@code gen} (the entries made and dropped) and {@code gunzip} (FILE decompressed, no JSON).
 */
public final class ManifestJsonBench {
  private static final Instant TIME = Instant.parse("2026-11-26T15:18:45.123Z");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public static void main(String[] args) throws IOException {
    String mode = args[0];
    Path file = Path.of(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    long allocBefore = allocated();
    long t0 = System.nanoTime();
    long check = 0;
    switch (mode) {
      case "gen" -> {
        for (ManifestEntry e : entries(n)) {
          check += e.path().length() + e.size();
        }
      }
      case "write-ours" -> {
        Path dir = file.toAbsolutePath().getParent();
        try (ManifestWriter w = new ManifestWriter(dir)) {
          for (ManifestEntry e : entries(n)) {
            w.add(e);
          }
          Path done = w.finish("20261126T151845.123Z", TIME);
          w.keep();
          Files.move(done, file, StandardCopyOption.REPLACE_EXISTING);
          check = w.entries();
        }
      }
      case "write-jackson" -> {
        Path done = JacksonCandidate.write(file.toAbsolutePath().getParent(), entries(n),
            "20261126T151845.123Z", TIME);
        Files.move(done, file, StandardCopyOption.REPLACE_EXISTING);
      }
      case "gunzip" -> {
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file),
            1 << 16)) {
          byte[] b = new byte[1 << 16];
          for (int r; (r = in.read(b)) > 0; ) {
            check += r;
          }
        }
      }
      case "read-ours" -> {
        try (ManifestReader r = ManifestReader.open(Files.newInputStream(file), file.toString())) {
          for (ManifestEntry e; (e = r.next()) != null; ) {
            check += e.path().length() + e.size();
          }
        }
      }
      case "read-jackson" -> {
        try (JacksonCandidate.Reader r = new JacksonCandidate.Reader(Files.newInputStream(file),
            file.toString(), true)) {
          for (ManifestEntry e; (e = r.next()) != null; ) {
            check += e.path().length() + e.size();
          }
        }
      }
      default -> throw new IllegalArgumentException(mode);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long alloc = allocBefore < 0 ? -1 : allocated() - allocBefore;
    System.out.printf("%s\t%d ms\t%s MB allocated\tcheck %d\t%d bytes%n", mode, ms,
        alloc < 0 ? "?" : Long.toString(alloc >> 20), check, Files.exists(file) ? Files.size(file) : 0);
  }

  /** This thread's allocated bytes on HotSpot; -1 in a native image (no management there). */
  private static long allocated() {
    try {
      // Looked up by a name native-image cannot see at build time, so that an image of this
      // class does not link the management libraries (there the lookup fails: -1).
      Object bean = Class.forName(System.getProperty("bench.mx",
          "java.lang.management.ManagementFactory")).getMethod("getThreadMXBean").invoke(null);
      return (Long) Class.forName(System.getProperty("bench.mxbean",
          "com.sun.management.ThreadMXBean")).getMethod("getCurrentThreadAllocatedBytes")
          .invoke(bean);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /**
   * N entries in path order: 100 directories of up to 100 subdirectories of files
   * {@code dirNNN/subNN/file_NNN.txt}, each directory an entry too; one file in 50 with a
   * non-ASCII name, one in three with a version id, one in 200 a link.
   */
  static Iterable<ManifestEntry> entries(int n) {
    return () -> new Iterator<ManifestEntry>() {
      int made;
      int d;
      int s = -1;
      int f = -1;
      long seed = 42;
      final char[] hex = new char[64];

      @Override
      public boolean hasNext() {
        return made < n;
      }

      long rnd() {
        seed ^= seed << 13;
        seed ^= seed >>> 7;
        seed ^= seed << 17;
        return seed;
      }

      @Override
      public ManifestEntry next() {
        made++;
        long mtime = 1_700_000_000_000_000_000L + (rnd() >>> 20);
        if (s < 0) {
          s = 0;
          return new ManifestEntry(String.format("dir%03d", d), EntryType.DIR, 0, mtime, 0755,
              null, null, null, false, mtime + 7, "2049:" + made);
        }
        if (f < 0) {
          f = 0;
          return new ManifestEntry(String.format("dir%03d/sub%02d", d, s), EntryType.DIR, 0,
              mtime, 0755, null, null, null, false, mtime + 7, "2049:" + made);
        }
        String path = "dir" + pad(d, 3) + "/sub" + pad(s, 2) + "/file_" + pad(f, 3)
            + (f % 50 == 7 ? "_caf\u00e9.txt" : ".txt");
        ManifestEntry e;
        if (f % 200 == 199) {
          e = new ManifestEntry(path, EntryType.LINK, 0, mtime, 0777, null, null, "../x/" + f,
              false, mtime + 3, "2049:" + (10_000_000 + made));
        } else {
          for (int i = 0; i < 64; i += 16) {
            long r = rnd();
            for (int j = 0; j < 16; j++) {
              hex[i + j] = HEX[(int) (r >>> (j * 4)) & 15];
            }
          }
          e = new ManifestEntry(path, EntryType.FILE, rnd() >>> 44, mtime, 0644, new String(hex),
              made % 3 == 0 ? "3HL4kqtJlcpXroDTDmJ" + made + ".8Cw_6bZ" : null, null, false,
              mtime + 11, "2049:" + (10_000_000 + made));
        }
        if (++f == 1000) {
          f = -1;
          if (++s == 100) {
            s = -1;
            d++;
          }
        }
        return e;
      }
    };
  }

  private static String pad(int v, int width) {
    String t = Integer.toString(v);
    return t.length() >= width ? t : "000".substring(0, width - t.length()) + t;
  }
}
