package p3backup.snapshot;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import p3backup.paths.EntryType;

/**
 * Writes a manifest entry by entry to a local file, so that memory holds no entry once written.
 * The entries and the trailer go to a temporary file as they come (in strictly increasing path
 * order); {@link #finish} then writes the header, which counts them, as a gzip member of its
 * own and appends the entries' member after it. Readers see one stream (gzip allows members
 * back to back): the format of docs/manifest.md, unchanged.
 */
public final class ManifestWriter implements Closeable {
  private final Path dir;
  private final Path body;
  private final Writer out;
  private String last;
  private long entries;
  private long files;
  private long bytes;
  private Path finished;

  /** A writer whose temporary files go in {@code dir} (the system's when null). */
  public ManifestWriter(Path dir) throws IOException {
    this.dir = dir;
    this.body = dir == null ? Files.createTempFile("p3backup-manifest", ".part")
        : Files.createTempFile(dir, "p3backup-manifest", ".part");
    boolean ok = false;
    try {
      this.out = ManifestCodec.gzipWriter(new BufferedOutputStream(Files.newOutputStream(body), 1 << 16));
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(body);
      }
    }
  }

  /** Adds the next entry; its path must sort after the last one's. */
  public void add(ManifestEntry e) throws IOException {
    if (finished != null) {
      throw new IllegalStateException("manifest already finished");
    }
    if (last != null && last.compareTo(e.path()) >= 0) {
      throw new IllegalArgumentException("manifest entries out of order: " + e.path()
          + " after " + last);
    }
    last = e.path();
    ManifestCodec.writeEntry(out, e);
    entries++;
    if (e.type() == EntryType.FILE) {
      files++;
      bytes += e.size();
    }
  }

  public long entries() {
    return entries;
  }

  public long files() {
    return files;
  }

  public long bytes() {
    return bytes;
  }

  /**
   * Ends the manifest: the trailer, then the header in front. Returns the finished file, which
   * {@link #close} deletes unless {@link #keep} was called.
   */
  public Path finish(String id, Instant time) throws IOException {
    if (finished != null) {
      return finished;
    }
    ManifestCodec.writeTrailer(out, entries);
    out.close();
    Path whole = dir == null ? Files.createTempFile("p3backup-manifest", ".jsonl.gz")
        : Files.createTempFile(dir, "p3backup-manifest", ".jsonl.gz");
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(whole,
        StandardOpenOption.TRUNCATE_EXISTING), 1 << 16)) {
      try (Writer header = ManifestCodec.gzipWriter(new NonClosing(o))) {
        ManifestCodec.writeHeader(header, id, time, files, bytes, entries);
      }
      Files.copy(body, o);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(whole);
      throw e;
    }
    Files.deleteIfExists(body);
    finished = whole;
    return whole;
  }

  /** Leaves the finished file to the caller (who moves or deletes it). */
  public void keep() {
    kept = true;
  }

  private boolean kept;

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      Files.deleteIfExists(body);
      if (finished != null && !kept) {
        Files.deleteIfExists(finished);
      }
    }
  }

  /** Lets a gzip stream finish its member without closing the file behind it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
