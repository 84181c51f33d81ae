package p3backup.snapshot;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a manifest entry by entry, holding one line at a time: the header on opening, then
 * {@link #next} until it returns null at the trailer. Entries come in strictly increasing path
 * order, or the manifest is refused as damaged, so that a reader may walk it in lock-step with
 * another sorted sequence. Every damage (bad gzip, a line that is not an entry, a missing or
 * wrong trailer, disorder) is a {@link ManifestException} that names the manifest.
 */
public final class ManifestReader implements Closeable {
  private final InputStream source;
  private final ManifestLines lines;
  private final String name;
  private final boolean ordered;
  private final String id;
  private final Instant time;
  private final long files;
  private final long bytes;
  private long lineNo = 1;
  private long count;
  private String last;
  private boolean ended;

  private ManifestReader(InputStream source, ManifestLines lines, String name, boolean ordered,
      String id, Instant time, long files, long bytes) {
    this.source = source;
    this.lines = lines;
    this.name = name;
    this.ordered = ordered;
    this.id = id;
    this.time = time;
    this.files = files;
    this.bytes = bytes;
  }

  /** Opens a gzip manifest and reads its header; closing the reader closes {@code in}. */
  public static ManifestReader open(InputStream in, String name) throws IOException {
    return open(in, name, true);
  }

  /**
   * Like {@link #open(InputStream, String)}; {@code ordered} false takes entries in any order,
   * a path more than once included (a forget's journal lists versions).
   */
  public static ManifestReader open(InputStream in, String name, boolean ordered)
      throws IOException {
    InputStream unzipped = null;
    try {
      unzipped = new GZIPInputStream(in, 1 << 16);
      ManifestLines lines = new ManifestLines(unzipped);
      if (!lines.next()) {
        throw new ManifestException(name + ": empty manifest");
      }
      Map<String, Object> header = ManifestCodec.object(lines.text(), name, 1);
      if (!ManifestCodec.FORMAT.equals(header.get("format"))) {
        throw new ManifestException(name + ": not a p3backup manifest");
      }
      long version = ManifestCodec.number(header, "version");
      if (version > ManifestCodec.VERSION) {
        throw new ManifestException(name + ": manifest format " + version
            + " is newer than this p3backup understands: upgrade p3backup");
      }
      String id = ManifestCodec.string(header, "snapshot");
      Instant time = Instant.parse(ManifestCodec.string(header, "time"));
      Long files = ManifestCodec.optNumber(header, "files");
      Long bytes = ManifestCodec.optNumber(header, "bytes");
      return new ManifestReader(unzipped, lines, name, ordered, id, time,
          files == null ? -1 : files, bytes == null ? -1 : bytes);
    } catch (ZipException | EOFException | IllegalArgumentException
        | DateTimeParseException e) {
      close(unzipped, in);
      throw new ManifestException(name + ": damaged manifest (" + e.getMessage() + ")");
    } catch (IOException | RuntimeException e) {
      close(unzipped, in);
      throw e;
    }
  }

  private static void close(InputStream unzipped, InputStream in) {
    try {
      (unzipped != null ? unzipped : in).close();
    } catch (IOException ignored) {
      // the failure that made us close it is the one to report
    }
  }

  /** The snapshot id the header gives. */
  public String id() {
    return id;
  }

  public Instant time() {
    return time;
  }

  /** The header's file count; -1 when it gives none. */
  public long files() {
    return files;
  }

  /** The header's byte count; -1 when it gives none. */
  public long bytes() {
    return bytes;
  }

  /** The next entry, or null after the last one, once the trailer has confirmed the count. */
  public ManifestEntry next() throws IOException {
    if (ended) {
      return null;
    }
    try {
      if (!lines.next()) {
        throw new ManifestException(name + ": truncated manifest (no end line)");
      }
      lineNo++;
      ManifestEntry e = lines.entry();
      if (e == null) {
        Map<String, Object> o = ManifestCodec.object(lines.text(), name, lineNo);
        if (o.containsKey("end")) {
          if (ManifestCodec.number(o, "end") != count) {
            throw new ManifestException(name + ": damaged manifest (entry count does not match)");
          }
          ended = true;
          return null;
        }
        e = ManifestCodec.entry(o);
      }
      if (ordered && last != null && last.compareTo(e.path()) >= 0) {
        throw new ManifestException(name + ": damaged manifest (line " + lineNo
            + ": entries out of path order)");
      }
      last = e.path();
      count++;
      return e;
    } catch (ZipException | EOFException | IllegalArgumentException
        | DateTimeParseException e) {
      throw new ManifestException(name + ": damaged manifest (" + e.getMessage() + ")");
    }
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
