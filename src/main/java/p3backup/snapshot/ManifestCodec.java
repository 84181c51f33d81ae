package p3backup.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import p3backup.json.Jackson;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

/**
 * Writes and reads manifests: gzip-compressed JSON Lines, documented in docs/manifest.md. Line 1
 * is a header, then one line per entry in path order, then a trailer that counts the entries so
 * that a truncated manifest is recognised as such.
 *
 * <p>Lines are written by jackson-core's UTF-8 generator. They are read by {@link ManifestLines}
 * where they are in the writer's plain spelling (jackson's parser reads a million entries with
 * 40-80% more CPU: docs/benchmark.md), and by jackson's parser otherwise ({@link #object}).
 */
public final class ManifestCodec {
  static final String FORMAT = "p3backup-manifest";
  static final int VERSION = 1;

  private static final SerializedString PATH = new SerializedString("path");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString SIZE = new SerializedString("size");
  private static final SerializedString MTIME = new SerializedString("mtimeNs");
  private static final SerializedString MODE = new SerializedString("mode");
  private static final SerializedString SHA256 = new SerializedString("sha256");
  private static final SerializedString VERSION_ID = new SerializedString("version");
  private static final SerializedString TARGET = new SerializedString("target");
  private static final SerializedString MARKER = new SerializedString("marker");
  private static final SerializedString CTIME = new SerializedString("ctimeNs");
  private static final SerializedString INODE = new SerializedString("inode");
  /** Stands for an object or array member in {@link #object}'s map (its content is skipped). */
  private static final Object NESTED = new Object();

  private ManifestCodec() {}

  public static byte[] encode(Manifest m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + m.entries().size() * 64);
    try (Writer out = gzipWriter(bytes)) {
      writeHeader(out, m.id(), m.time(), m.files(), m.bytes(), m.entries().size());
      for (ManifestEntry e : m.entries()) {
        writeEntry(out, e);
      }
      writeTrailer(out, m.entries().size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A writer of manifest lines that gzips at the fastest level into {@code out}; closing it
   * closes out. The lines go through one jackson generator that writes UTF-8 bytes.
   */
  static Writer gzipWriter(OutputStream out) throws IOException {
    return new Lines(new FastGzip(out));
  }

  static void writeHeader(Writer out, String id, Instant time, long files, long bytes,
      long entries) throws IOException {
    JsonGenerator g = generator(out);
    g.writeStartObject();
    g.writeStringField("format", FORMAT);
    g.writeNumberField("version", VERSION);
    g.writeStringField("snapshot", id);
    g.writeStringField("time", time.toString());
    g.writeNumberField("files", files);
    g.writeNumberField("bytes", bytes);
    g.writeNumberField("entries", entries);
    g.writeEndObject();
    endLine(g, out);
  }

  static void writeEntry(Writer out, ManifestEntry e) throws IOException {
    JsonGenerator g = generator(out);
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
      g.writeString(octal(e.mode()));
    }
    if (e.sha256() != null) {
      g.writeFieldName(SHA256);
      g.writeString(e.sha256());
    }
    if (e.versionId() != null) {
      g.writeFieldName(VERSION_ID);
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
    endLine(g, out);
  }

  static void writeTrailer(Writer out, long entries) throws IOException {
    JsonGenerator g = generator(out);
    g.writeStartObject();
    g.writeNumberField("end", entries);
    g.writeEndObject();
    endLine(g, out);
  }

  /** The generator of a {@link #gzipWriter}; for any other writer, one for this line. */
  private static JsonGenerator generator(Writer out) throws IOException {
    return out instanceof Lines lines ? lines.generator : Jackson.FACTORY.createGenerator(out);
  }

  private static void endLine(JsonGenerator g, Writer out) throws IOException {
    g.writeRaw('\n');
    if (!(out instanceof Lines)) {
      g.close(); // flushes into out, leaves it open
    }
  }

  /** {@code String.format("%04o", mode)} without a Formatter per entry. */
  static String octal(int mode) {
    String o = Integer.toOctalString(mode);
    return o.length() >= 4 ? o : "0000".substring(o.length()) + o;
  }

  /**
   * Gzip at the fastest level: three times faster than the default level for 10% more bytes
   * (a manifest of 100,000 entries: 0.14 s against 0.41 s, 6.5 MB against 5.9 MB).
   */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /**
   * What {@link #gzipWriter} returns: a jackson generator over the gzip stream, behind the
   * {@link Writer} that {@link ManifestWriter} holds. Text written to it directly goes in raw.
   */
  private static final class Lines extends Writer {
    final JsonGenerator generator;
    private final OutputStream out;

    Lines(OutputStream out) throws IOException {
      this.out = out;
      this.generator = Jackson.FACTORY.createGenerator(out);
    }

    @Override
    public void write(char[] text, int off, int len) throws IOException {
      generator.writeRaw(text, off, len);
    }

    @Override
    public void flush() throws IOException {
      generator.flush();
    }

    @Override
    public void close() throws IOException {
      try {
        generator.close();
      } finally {
        out.close();
      }
    }
  }

  /**
   * Reads a whole manifest or journal, its entries in any order; {@link ManifestException} says
   * what is wrong with a damaged one.
   */
  public static Manifest decode(InputStream in, String name) throws IOException {
    try (ManifestReader r = ManifestReader.open(in, name, false)) {
      List<ManifestEntry> entries = new ArrayList<>();
      for (ManifestEntry e; (e = r.next()) != null; ) {
        entries.add(e);
      }
      return new Manifest(r.id(), r.time(), entries);
    }
  }

  /** An entry line read by jackson's parser (also the fast reader's reference). */
  static ManifestEntry generalEntry(String line) {
    return entry(object(line, "line", 0));
  }

  /**
   * One line that must hold one JSON object and nothing else, as a map of its members: strings,
   * {@link Long}s, {@link BigDecimal}s (other numbers), booleans, nulls; objects and arrays are
   * skipped (unknown members are ignored, a known one of that kind is refused). Duplicate names
   * are refused.
   *
   * @throws ManifestException naming the manifest and the line, when it is not such a line
   */
  static Map<String, Object> object(String line, String name, long lineNo) {
    try (JsonParser p = Jackson.FACTORY.createParser(line)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ManifestException(name + ": damaged manifest (line " + lineNo
            + " is not an object)");
      }
      Map<String, Object> members = new HashMap<>();
      for (String field; (field = p.nextFieldName()) != null; ) {
        JsonToken t = p.nextToken();
        members.put(field, switch (t) {
          case VALUE_STRING -> p.getText();
          case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? p.getDecimalValue() : (Object) p.getLongValue();
          case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
          case VALUE_TRUE -> Boolean.TRUE;
          case VALUE_FALSE -> Boolean.FALSE;
          case VALUE_NULL -> null;
          default -> {
            p.skipChildren();
            yield NESTED;
          }
        });
      }
      if (p.nextToken() != null) {
        throw new ManifestException(name + ": damaged manifest (line " + lineNo
            + ": more after the object)");
      }
      return members;
    } catch (JsonProcessingException e) {
      throw new ManifestException(name + ": damaged manifest (line " + lineNo + ": "
          + Jackson.describe(e) + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a string
    }
  }

  static ManifestEntry entry(Map<String, Object> o) {
    EntryType type = EntryType.parse(string(o, "type"));
    String mode = optString(o, "mode");
    Long size = optNumber(o, "size");
    Long ctime = optNumber(o, "ctimeNs");
    return new ManifestEntry(
        string(o, "path"),
        type,
        size == null ? 0 : size,
        number(o, "mtimeNs"),
        mode == null ? -1 : Integer.parseInt(mode, 8),
        optString(o, "sha256"),
        optString(o, "version"),
        optString(o, "target"),
        Boolean.TRUE.equals(o.get("marker")),
        ctime == null ? FileStat.NONE : ctime,
        optString(o, "inode"));
  }

  /** A required string member. @throws IllegalArgumentException if missing, null or another kind */
  static String string(Map<String, Object> o, String key) {
    String s = optString(o, key);
    if (s == null) {
      throw missing(o, key);
    }
    return s;
  }

  /** An optional string member, null when missing or null. */
  static String optString(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new IllegalArgumentException("member \"" + key + "\" is " + kind(v)
        + ", expected a string");
  }

  /** A required integer member (5, 5.0 or 5e0), in the range of a long. */
  static long number(Map<String, Object> o, String key) {
    Long n = optNumber(o, key);
    if (n == null) {
      throw missing(o, key);
    }
    return n;
  }

  /** An optional integer member, null when missing or null. */
  static Long optNumber(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null || v instanceof Long) {
      return (Long) v;
    }
    if (v instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("member \"" + key + "\" is " + d
            + ", expected an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
      }
    }
    throw new IllegalArgumentException("member \"" + key + "\" is " + kind(v)
        + ", expected a number");
  }

  private static IllegalArgumentException missing(Map<String, Object> o, String key) {
    return new IllegalArgumentException("member \"" + key + "\" is "
        + (o.containsKey(key) ? "null" : "missing"));
  }

  private static String kind(Object v) {
    if (v instanceof String) {
      return "a string";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v == NESTED) {
      return "an object or array";
    }
    return "a number";
  }
}
