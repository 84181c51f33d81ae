package p3backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

/**
 * Manifests as JSON, whichever reader takes a line (ManifestLines for the writer's plain
 * spelling, jackson's parser for any other): hostile and damaged ones refused with a
 * ManifestException naming the manifest, unknown fields ignored, odd names kept.
 */
class ManifestJsonTest {
  private static final String HEADER = "{\"format\":\"p3backup-manifest\",\"version\":1,"
      + "\"snapshot\":\"20261126T151845.123Z\",\"time\":\"2026-11-26T15:18:45.123Z\","
      + "\"files\":1,\"bytes\":3,\"entries\":1}";
  private static final String ENTRY = "{\"path\":\"a\",\"type\":\"file\",\"size\":3,"
      + "\"mtimeNs\":5,\"sha256\":\"" + "ab".repeat(32) + "\"}";
  private static final ManifestEntry A = new ManifestEntry("a", EntryType.FILE, 3, 5, -1,
      "ab".repeat(32), null, null, false, FileStat.NONE, null);

  static byte[] gzip(String... lines) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  static List<ManifestEntry> read(byte[] manifest, String name) throws IOException {
    try (ManifestReader r = ManifestReader.open(new ByteArrayInputStream(manifest), name)) {
      List<ManifestEntry> out = new ArrayList<>();
      for (ManifestEntry e; (e = r.next()) != null; ) {
        out.add(e);
      }
      return out;
    }
  }

  static ManifestException refused(String... lines) throws IOException {
    byte[] m = gzip(lines);
    ManifestException e = assertThrows(ManifestException.class, () -> read(m, "snap7"),
        String.join("\n", lines));
    assertTrue(e.getMessage().startsWith("snap7: "), e.getMessage());
    return e;
  }

  @Test
  void anEntryLineSpelledOtherwiseIsReadAlike() throws IOException {
    String[] spellings = {
        ENTRY,
        "{ \"path\" : \"a\" , \"type\":\"file\",\"size\":3,\"mtimeNs\":5,\"sha256\":\"" + "ab".repeat(32) + "\" }",
        "{\"path\":\"\\u0061\",\"type\":\"file\",\"size\":3.0,\"mtimeNs\":5e0,\"sha256\":\"" + "ab".repeat(32) + "\"}",
        "{\"later\":{\"nested\":[1,{\"x\":null}]},\"path\":\"a\",\"type\":\"file\",\"size\":3,"
            + "\"mtimeNs\":5,\"sha256\":\"" + "ab".repeat(32) + "\",\"another\":\"field\",\"n\":1e999}",
        "{\"path\":\"a\",\"type\":\"file\",\"size\":3,\"mtimeNs\":5,\"sha256\":\"" + "ab".repeat(32)
            + "\",\"version\":null,\"ctimeNs\":null,\"marker\":false}",
    };
    for (String line : spellings) {
      assertEquals(List.of(A), read(gzip(HEADER, line, "{\"end\":1}"), "m"), line);
    }
  }

  @Test
  void unknownHeaderFieldsAreIgnoredAndANewerVersionRefused() throws IOException {
    String header = HEADER.replace("\"version\":1,", "\"version\":1,\"host\":{\"name\":\"x\"},");
    assertEquals(List.of(A), read(gzip(header, ENTRY, "{\"end\":1}"), "m"));
    ManifestException e = refused(HEADER.replace("\"version\":1", "\"version\":2"), ENTRY,
        "{\"end\":1}");
    assertTrue(e.getMessage().contains("newer"), e.getMessage());
    refused(HEADER.replace("p3backup-manifest", "something-else"), ENTRY, "{\"end\":1}");
    refused(HEADER.replace("\"version\":1,", ""), ENTRY, "{\"end\":1}");
    refused(HEADER.replace("2026-11-26T15:18:45.123Z\"", "yesterday\""), ENTRY, "{\"end\":1}");
  }

  @Test
  void damagedAndHostileLinesAreRefusedNamingTheManifest() throws IOException {
    String sha = ",\"sha256\":\"" + "ab".repeat(32) + "\"";
    String[] bad = {
        "[1,2]", "3", "\"a\"", "null", "{", "{\"path\":}", "{\"path\":\"a\",}",
        "{\"path\":'a',\"type\":\"file\",\"mtimeNs\":5}",
        "{path:\"a\",\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":5} {}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":5} /* comment */",
        "{\"path\":\"a\",\"path\":\"b\",\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\\tb\",\"type\":\"file\",\"mtimeNs\":5,\"later\":1,\"later\":2}",
        "{\"path\":\"a\tb\",\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":05}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":NaN}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":5,\"size\":9223372036854775808" + sha + "}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":-9223372036854775809}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":1.5}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":1e400}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":\"5\"}",
        "{\"path\":1,\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":null,\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":[\"a\"],\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\",\"type\":\"fifo\",\"mtimeNs\":5}",
        "{\"path\":\"a\",\"type\":\"file\",\"mtimeNs\":5,\"mode\":\"rwx\"}",
        "{\"path\":\"a\",\"type\":\"file\"}",
        "{\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\\x\",\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"a\\ud83\",\"type\":\"file\",\"mtimeNs\":5}",
        "{\"path\":\"" + "\u00e9".repeat(3) + "\",\"type\":\"file\",\"mtimeNs\":5,\"size\":1,",
    };
    for (String line : bad) {
      refused(HEADER, line, "{\"end\":1}");
    }
    refused("[" + "[".repeat(5000));
    refused("{\"format\":\"p3backup-manifest\"" + ",\"x\":[".repeat(3000));
  }

  @Test
  void aMissingOrWrongTrailerOrGarbageIsRefused() throws IOException {
    refused(HEADER, ENTRY);
    refused(HEADER, ENTRY, "{\"end\":2}");
    refused(HEADER, ENTRY, "{\"end\":\"1\"}");
    refused(HEADER, ENTRY, "{\"end\":1");
    refused(HEADER, ENTRY, "garbage");
    refused("");
    refused("not json at all");
    byte[] notGzip = (HEADER + "\n").getBytes(StandardCharsets.UTF_8);
    ManifestException e = assertThrows(ManifestException.class, () -> read(notGzip, "snap8"));
    assertTrue(e.getMessage().startsWith("snap8: "), e.getMessage());
  }

  @Test
  void oddNamesRoundTripAndStayValidJson() throws IOException {
    String[] names = {
        "caf\u00e9/\u65e5\u672c\u8a9e.txt", "quote \" and backslash \\", "new\nline and\rreturn",
        "tab\tbell\u0007nul\u0000esc\u001b del\u007f", "line sep \u2028 para \u2029",
        "emoji \ud83d\ude00 ok", "lone high \ud800 then x", "lone low \udc00", "trailing high \ud800",
        "slash/back\\slash/\u00a0nbsp", "</script>", "\ufeffbom", "\uffff",
    };
    List<String> sorted = new ArrayList<>(List.of(names));
    sorted.sort(null);
    List<ManifestEntry> entries = new ArrayList<>();
    for (String n : sorted) {
      entries.add(new ManifestEntry(n, EntryType.LINK, 0, 1, 0777, null, null, n + "->", false,
          FileStat.NONE, "1:" + n));
    }
    Manifest m = new Manifest("20261126T151845.123Z", Instant.parse("2026-11-26T15:18:45.123Z"),
        entries);
    byte[] encoded = ManifestCodec.encode(m);
    assertEquals(entries, read(encoded, "m"));
    String text = new String(new GZIPInputStream(new ByteArrayInputStream(encoded)).readAllBytes(),
        StandardCharsets.UTF_8);
    assertEquals(entries.size() + 2, text.split("\n", -1).length - 1, "one line per entry");
    for (String line : text.split("\n")) {
      for (char c : line.toCharArray()) {
        assertTrue(c >= 0x20 && !Character.isSurrogate(c), "escaped: " + line);
      }
      p3backup.json.Json.parseObject(line); // valid JSON on its own
    }
  }
}
