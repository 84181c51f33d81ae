package p3backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

class ManifestCodecTest {
  static final Manifest SAMPLE = new Manifest("20261126T151845.123Z",
      Instant.parse("2026-11-26T15:18:45.123Z"), List.of(
          new ManifestEntry("a b/caf\u00e9 \"q\".txt", EntryType.FILE, 12, 1_700_000_000_123_456_789L,
              0644, "ab".repeat(32), "v1", null, false, 1_700_000_001_000_000_000L, "2049:1234"),
          new ManifestEntry("empty", EntryType.DIR, 0, 5, 0755, null, null, null, true, FileStat.NONE, null),
          new ManifestEntry("link", EntryType.LINK, 0, 6, -1, null, null, "../target", false,
              FileStat.NONE, null)));

  @Test
  void roundTripKeepsEveryField() throws IOException {
    byte[] bytes = ManifestCodec.encode(SAMPLE);
    Manifest back = ManifestCodec.decode(new ByteArrayInputStream(bytes), "test");
    assertEquals(SAMPLE, back);
    assertEquals(1, back.files());
    assertEquals(12, back.bytes());
  }

  @Test
  void truncatedManifestIsRecognised() {
    byte[] bytes = ManifestCodec.encode(SAMPLE);
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 12);
    ManifestException e = assertThrows(ManifestException.class,
        () -> ManifestCodec.decode(new ByteArrayInputStream(cut), "s1"));
    assertTrue(e.getMessage().startsWith("s1: "), e.getMessage());
  }

  @Test
  void notGzipIsRecognised() {
    byte[] plain = "{\"format\":\"p3backup-manifest\"}\n".getBytes(StandardCharsets.UTF_8);
    assertThrows(ManifestException.class,
        () -> ManifestCodec.decode(new ByteArrayInputStream(plain), "s2"));
  }

  @Test
  void snapshotIdsSortInTimeOrderAndNeverRepeat() {
    Instant t = Instant.parse("2026-11-26T15:18:45.123Z");
    assertEquals("20261126T151845.123Z", SnapshotId.of(t));
    assertEquals("20261126T151845.124Z", SnapshotId.next(t, "20261126T151845.123Z"));
    assertEquals(t, SnapshotId.parse("20261126T151845.123Z").orElseThrow());
    assertTrue(SnapshotId.parse("latest").isEmpty());
  }
}
