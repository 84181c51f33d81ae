package p3backup.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

/**
 * For ManifestJsonBench only, not used by p3backup: manifests written and read entirely through
 * jackson-core's streaming generator and parser (the same checks as ManifestWriter and
 * ManifestReader), to compare with the product's code. See docs/benchmark.md, "JSON: jackson-core
 * against our own code".
 */
final class JacksonCandidate {
  static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .rootValueSeparator((String) null)
      .build();
  private static final SerializedString PATH = new SerializedString("path");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString SIZE = new SerializedString("size");
  private static final SerializedString MTIME = new SerializedString("mtimeNs");
  private static final SerializedString MODE = new SerializedString("mode");
  private static final SerializedString SHA256 = new SerializedString("sha256");
  private static final SerializedString VERSION = new SerializedString("version");
  private static final SerializedString TARGET = new SerializedString("target");
  private static final SerializedString MARKER = new SerializedString("marker");
  private static final SerializedString CTIME = new SerializedString("ctimeNs");
  private static final SerializedString INODE = new SerializedString("inode");

  private JacksonCandidate() {}

  static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** As ManifestWriter: entries member to a temp file, then header member in front. */
  static Path write(Path dir, Iterable<ManifestEntry> entries, String id, Instant time)
      throws IOException {
    Path body = Files.createTempFile(dir, "jk", ".part");
    long n = 0;
    long files = 0;
    long bytes = 0;
    String last = null;
    try (OutputStream gz = new FastGzip(new BufferedOutputStream(Files.newOutputStream(body), 1 << 16));
        JsonGenerator g = FACTORY.createGenerator(gz)) {
      for (ManifestEntry e : entries) {
        if (last != null && last.compareTo(e.path()) >= 0) {
          throw new IllegalArgumentException("order");
        }
        last = e.path();
        writeEntry(g, e);
        n++;
        if (e.type() == EntryType.FILE) {
          files++;
          bytes += e.size();
        }
      }
      g.writeStartObject();
      g.writeNumberField("end", n);
      g.writeEndObject();
      g.writeRaw('\n');
    }
    Path whole = Files.createTempFile(dir, "jk", ".jsonl.gz");
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(whole), 1 << 16)) {
      GZIPOutputStream h = new FastGzip(o);
      try (JsonGenerator g = FACTORY.createGenerator(h)) {
        g.writeStartObject();
        g.writeStringField("format", ManifestCodec.FORMAT);
        g.writeNumberField("version", ManifestCodec.VERSION);
        g.writeStringField("snapshot", id);
        g.writeStringField("time", time.toString());
        g.writeNumberField("files", files);
        g.writeNumberField("bytes", bytes);
        g.writeNumberField("entries", n);
        g.writeEndObject();
        g.writeRaw('\n');
      }
      h.finish();
      Files.copy(body, o);
    }
    Files.delete(body);
    return whole;
  }

  static void writeEntry(JsonGenerator g, ManifestEntry e) throws IOException {
    g.writeStartObject();
    g.writeFieldName(PATH);
    g.writeString(e.path());
    g.writeFieldName(TYPE);
    g.writeString(e.type().spelling());
    if (e.type() == EntryType.FILE) {
      g.writeFieldName(SIZE);
      g.writeNumber(e.size());
    }
    g.writeFieldName(MTIME);
    g.writeNumber(e.mtimeNanos());
    if (e.mode() >= 0) {
      g.writeFieldName(MODE);
      g.writeString(ManifestCodec.octal(e.mode()));
    }
    if (e.sha256() != null) {
      g.writeFieldName(SHA256);
      g.writeString(e.sha256());
    }
    if (e.versionId() != null) {
      g.writeFieldName(VERSION);
      g.writeString(e.versionId());
    }
    if (e.linkTarget() != null) {
      g.writeFieldName(TARGET);
      g.writeString(e.linkTarget());
    }
    if (e.marker()) {
      g.writeFieldName(MARKER);
      g.writeBoolean(true);
    }
    if (e.ctimeNanos() != FileStat.NONE) {
      g.writeFieldName(CTIME);
      g.writeNumber(e.ctimeNanos());
    }
    if (e.inode() != null) {
      g.writeFieldName(INODE);
      g.writeString(e.inode());
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }

  /** As ManifestReader. */
  static final class Reader implements Closeable {
    private final InputStream source;
    private final JsonParser p;
    private final String name;
    private final boolean ordered;
    final String id;
    private long count;
    private String last;
    private boolean ended;

    Reader(InputStream in, String name, boolean ordered) throws IOException {
      this.name = name;
      this.ordered = ordered;
      InputStream unzipped = null;
      try {
        unzipped = new GZIPInputStream(in, 1 << 16);
        source = unzipped;
        p = FACTORY.createParser(unzipped);
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new ManifestException(name + ": empty manifest");
        }
        if (t != JsonToken.START_OBJECT) {
          throw new ManifestException(name + ": damaged manifest (line 1 is not an object)");
        }
        String format = null;
        long version = -1;
        String snapshot = null;
        String timeText = null;
        for (String f; (f = p.nextFieldName()) != null; ) {
          JsonToken v = p.nextToken();
          switch (f) {
            case "format" -> format = v == JsonToken.VALUE_STRING ? p.getText() : null;
            case "version" -> version = number(p, v, f);
            case "snapshot" -> snapshot = string(p, v, f);
            case "time" -> timeText = string(p, v, f);
            default -> p.skipChildren();
          }
        }
        if (!ManifestCodec.FORMAT.equals(format)) {
          throw new ManifestException(name + ": not a p3backup manifest");
        }
        if (version > ManifestCodec.VERSION) {
          throw new ManifestException(name + ": newer");
        }
        id = snapshot;
        Instant.parse(timeText);
      } catch (ZipException | EOFException | JsonProcessingException | IllegalArgumentException
          | DateTimeParseException e) {
        if (unzipped != null) {
          unzipped.close();
        }
        throw new ManifestException(name + ": damaged manifest (" + e.getMessage() + ")");
      }
    }

    ManifestEntry next() throws IOException {
      if (ended) {
        return null;
      }
      try {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new ManifestException(name + ": truncated manifest (no end line)");
        }
        if (t != JsonToken.START_OBJECT) {
          throw new ManifestException(name + ": damaged manifest (line "
              + p.currentTokenLocation().getLineNr() + " is not an object)");
        }
        String path = null;
        String type = null;
        String mode = null;
        String sha256 = null;
        String version = null;
        String target = null;
        String inode = null;
        long size = 0;
        long mtime = 0;
        long ctime = FileStat.NONE;
        long end = -1;
        boolean marker = false;
        int seen = 0;
        for (String f; (f = p.nextFieldName()) != null; ) {
          JsonToken v = p.nextToken();
          int bit;
          switch (f) {
            case "path" -> { bit = 1; path = string(p, v, f); }
            case "type" -> { bit = 2; type = string(p, v, f); }
            case "size" -> { bit = 4; size = v == JsonToken.VALUE_NULL ? 0 : number(p, v, f); }
            case "mtimeNs" -> { bit = 8; mtime = number(p, v, f); }
            case "mode" -> { bit = 16; mode = string(p, v, f); }
            case "sha256" -> { bit = 32; sha256 = string(p, v, f); }
            case "version" -> { bit = 64; version = string(p, v, f); }
            case "target" -> { bit = 128; target = string(p, v, f); }
            case "marker" -> { bit = 256; marker = v == JsonToken.VALUE_TRUE; p.skipChildren(); }
            case "ctimeNs" -> { bit = 512; ctime = v == JsonToken.VALUE_NULL ? FileStat.NONE : number(p, v, f); }
            case "inode" -> { bit = 1024; inode = string(p, v, f); }
            case "end" -> { bit = 2048; end = number(p, v, f); }
            default -> { bit = 0; p.skipChildren(); }
          }
          if ((seen & bit) != 0) {
            throw new ManifestException(name + ": damaged manifest (duplicate member \"" + f + "\")");
          }
          seen |= bit;
        }
        if ((seen & 2048) != 0) {
          if (end != count) {
            throw new ManifestException(name + ": damaged manifest (entry count does not match)");
          }
          ended = true;
          return null;
        }
        if (path == null || type == null || (seen & 8) == 0) {
          throw new ManifestException(name + ": damaged manifest (missing member)");
        }
        if (ordered && last != null && last.compareTo(path) >= 0) {
          throw new ManifestException(name + ": damaged manifest (order)");
        }
        last = path;
        count++;
        return new ManifestEntry(path, EntryType.parse(type), size, mtime,
            mode == null ? -1 : Integer.parseInt(mode, 8), sha256, version, target, marker, ctime,
            inode);
      } catch (ZipException | EOFException | JsonProcessingException | IllegalArgumentException e) {
        throw new ManifestException(name + ": damaged manifest (" + e.getMessage() + ")");
      }
    }

    private static String string(JsonParser p, JsonToken v, String f) throws IOException {
      if (v == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      if (v == JsonToken.VALUE_NULL) {
        return null;
      }
      throw new ManifestException("member \"" + f + "\" is not a string");
    }

    private static long number(JsonParser p, JsonToken v, String f) throws IOException {
      if (v == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType nt = p.getNumberType();
        if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
      } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
        BigDecimal d = p.getDecimalValue();
        return d.longValueExact();
      }
      throw new ManifestException("member \"" + f + "\" out of range");
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
