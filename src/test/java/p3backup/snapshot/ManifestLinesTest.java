package p3backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;
import p3backup.testing.Dribble;

class ManifestLinesTest {

  static ManifestEntry fast(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return ManifestLines.entry(b, 0, b.length);
  }

  /** The general parser's entry, or null where it refuses the line. */
  static ManifestEntry general(String line) {
    try {
      return ManifestCodec.generalEntry(line);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Test
  void linesInTheWritersSpellingAreReadWithoutTheGeneralParser() {
    String[] plain = {
        "{\"path\":\"d/f.dat\",\"type\":\"file\",\"size\":4096,\"mtimeNs\":1795756604449953210,"
            + "\"mode\":\"0644\",\"sha256\":\"" + "3f".repeat(32) + "\",\"ctimeNs\":1795756604449953210,"
            + "\"inode\":\"65024:2465674\"}",
        "{\"path\":\"caf\u00e9/\u65e5\u672c.txt\",\"type\":\"file\",\"size\":0,\"mtimeNs\":-5,"
            + "\"sha256\":\"" + "00".repeat(32) + "\",\"version\":\"v1\"}",
        "{\"path\":\"e\",\"type\":\"dir\",\"mtimeNs\":0,\"marker\":true}",
        "{\"path\":\"e\",\"type\":\"dir\",\"mtimeNs\":0,\"marker\":false}",
        "{\"path\":\"l\",\"type\":\"link\",\"mtimeNs\":7,\"target\":\"../x y\"}",
        "{\"type\":\"file\",\"mtimeNs\":7,\"path\":\"order does not matter\",\"size\":1}",
    };
    for (String line : plain) {
      ManifestEntry e = fast(line);
      assertNotNull(e, line);
      assertEquals(general(line), e, line);
    }
  }

  @Test
  void everyOtherLineIsLeftToTheGeneralParser() {
    String sha = "\"sha256\":\"" + "ab".repeat(32) + "\"";
    String[] odd = {
        "", "{", "{}", "[]", "null", "{\"end\":3}",
        "{\"path\":\"a \\\"q\\\"\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1," + sha + "}",
        "{\"path\":\"a\\u00e9\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{ \"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\" : \"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1} ",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}\r",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}x",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1,\"later\":\"field\"}",
        "{\"path\":\"a\",\"path\":\"b\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":01,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1.0,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1e3,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":-,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":9223372036854775808,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":-9223372036854775809}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":12345678901234567890}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":\"1\",\"mtimeNs\":1}",
        "{\"path\":1,\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":null,\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"sha256\":null,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"dir\",\"mtimeNs\":1,\"marker\":1}",
        "{\"path\":\"a\",\"type\":\"dir\",\"mtimeNs\":1,\"marker\":tru}",
        "{\"path\":\"a\",\"type\":\"dir\",\"mtimeNs\":1,\"marker\":\"true\"}",
        "{\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1,}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\"",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs",
        "{\"path\":\"a\tb\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":1,\"mtimeNs\":1}{}",
    };
    for (String line : odd) {
      assertNull(fast(line), line);
    }
  }

  @Test
  void whereBothReadALineTheyAgree() {
    // Lines the writer never produces but the fast reader may take: the general parser's
    // reading is the reference.
    String[] lines = {
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":-0}",
        "{\"path\":\"\",\"type\":\"dir\",\"mtimeNs\":0}",
        "{\"path\":\"a\",\"type\":\"dir\",\"mtimeNs\":1,\"mode\":\"7777\",\"ctimeNs\":-1}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":999999999999999999,\"size\":0}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":9223372036854775807,\"size\":0}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":-9223372036854775808,\"size\":0}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":1795756604449953210,\"size\":0}",
    };
    for (String line : lines) {
      assertNotNull(fast(line), line);
      assertEquals(general(line), fast(line), line);
    }
  }

  @Test
  void whatTheWriterWritesIsReadBackByTheFastReader() throws IOException {
    List<ManifestEntry> entries = new ArrayList<>();
    Random r = new Random(7);
    for (int i = 0; i < 500; i++) {
      EntryType type = EntryType.values()[i % 3];
      entries.add(new ManifestEntry(String.format("d%03d/\u00e9%05d", i / 50, i), type,
          type == EntryType.FILE ? r.nextInt(1 << 20) : 0, r.nextLong() >>> 2,
          i % 7 == 0 ? -1 : r.nextInt(01000), type == EntryType.FILE ? "0f".repeat(32) : null,
          i % 5 == 0 && type == EntryType.FILE ? "v" + i : null,
          type == EntryType.LINK ? "../t" + i : null, type == EntryType.DIR && i % 2 == 0,
          i % 11 == 0 ? FileStat.NONE : r.nextLong() >>> 2, i % 11 == 0 ? null : "2049:" + i));
    }
    Manifest m = new Manifest("20261126T151845.123Z", Instant.parse("2026-11-26T15:18:45.123Z"),
        entries);
    byte[] encoded = ManifestCodec.encode(m);
    ManifestLines lines = new ManifestLines(new java.util.zip.GZIPInputStream(
        new ByteArrayInputStream(encoded)));
    assertTrue(lines.next()); // the header
    for (ManifestEntry e : entries) {
      assertTrue(lines.next());
      assertEquals(e, lines.entry());
    }
    assertTrue(lines.next());
    assertNull(lines.entry()); // the trailer
    assertFalse(lines.next());
    assertEquals(m, ManifestCodec.decode(new ByteArrayInputStream(encoded), "m"));
  }

  @Test
  void linesAreSplitAlikeWhateverTheReadsReturn() throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 300; i++) {
      String line = i == 100 ? "x".repeat(200_000) : i % 17 == 0 ? "" : "line " + i + " \u00e9";
      expected.add(line);
      text.append(line).append('\n');
    }
    text.append("last, without a newline");
    expected.add("last, without a newline");
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    InputStream dribble = new Dribble(bytes, () -> 1 + r.nextInt(5000));
    ManifestLines lines = new ManifestLines(dribble);
    List<String> got = new ArrayList<>();
    while (lines.next()) {
      got.add(lines.text());
    }
    assertEquals(expected, got);
  }

  @Test
  void modesAreSpelledAsBefore() {
    for (int mode : new int[] {0, 1, 07, 0644, 0755, 01777, 07777, 0100644}) {
      assertEquals(String.format("%04o", mode), ManifestCodec.octal(mode));
    }
  }
}
