package p3backup.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;

/** The manifest written and read one entry at a time, and the local cache of the latest. */
class ManifestStreamTest {
  @TempDir Path tmp;

  private Path write(Manifest m) throws IOException {
    try (ManifestWriter w = new ManifestWriter(tmp)) {
      for (ManifestEntry e : m.entries()) {
        w.add(e);
      }
      Path f = w.finish(m.id(), m.time());
      w.keep();
      return f;
    }
  }

  @Test
  void theStreamedFileIsTheFormatTheWholeEncoderWrites() throws IOException {
    Path f = write(ManifestCodecTest.SAMPLE);
    String streamed = new String(new GZIPInputStream(Files.newInputStream(f)).readAllBytes(),
        StandardCharsets.UTF_8);
    String whole = new String(new GZIPInputStream(new ByteArrayInputStream(
        ManifestCodec.encode(ManifestCodecTest.SAMPLE))).readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(whole, streamed, "header first (with its counts), entries, trailer");
    try (ManifestReader r = ManifestReader.open(Files.newInputStream(f), "s")) {
      assertEquals(ManifestCodecTest.SAMPLE.id(), r.id());
      assertEquals(1, r.files());
      assertEquals(12, r.bytes());
      List<ManifestEntry> back = new ArrayList<>();
      for (ManifestEntry e; (e = r.next()) != null; ) {
        back.add(e);
      }
      assertEquals(ManifestCodecTest.SAMPLE.entries(), back);
      assertNull(r.next(), "the end stays the end");
    }
  }

  @Test
  void theWriterRefusesEntriesOutOfOrderAndTheReaderAManifestSo() throws IOException {
    ManifestEntry b = new ManifestEntry("b", EntryType.DIR, 0, 1, -1, null, null, null, false, FileStat.NONE, null);
    ManifestEntry a = new ManifestEntry("a", EntryType.DIR, 0, 1, -1, null, null, null, false, FileStat.NONE, null);
    try (ManifestWriter w = new ManifestWriter(tmp)) {
      w.add(b);
      assertThrows(IllegalArgumentException.class, () -> w.add(a));
      assertThrows(IllegalArgumentException.class, () -> w.add(b), "nor the same path twice");
    }
    byte[] disordered = ManifestCodec.encode(new Manifest("20261126T151845.123Z",
        java.time.Instant.EPOCH, List.of(b, a)));
    try (ManifestReader r = ManifestReader.open(new ByteArrayInputStream(disordered), "s1")) {
      assertEquals(b, r.next());
      ManifestException e = assertThrows(ManifestException.class, r::next);
      assertTrue(e.getMessage().contains("s1") && e.getMessage().contains("order"), e.getMessage());
    }
    assertEquals(2, ManifestCodec.decode(new ByteArrayInputStream(disordered), "journal").entries().size(),
        "a journal may list in any order");
    try (Stream files = new Stream(tmp)) {
      assertEquals(0, files.count(), "the writer leaves no temporary file behind");
    }
  }

  @Test
  void aCutManifestFailsAtItsEndNotBefore() throws IOException {
    Path f = write(ManifestCodecTest.SAMPLE);
    byte[] all = Files.readAllBytes(f);
    byte[] cut = java.util.Arrays.copyOf(all, all.length - 10);
    ManifestException e = assertThrows(ManifestException.class, () -> {
      try (ManifestReader r = ManifestReader.open(new ByteArrayInputStream(cut), "s2")) {
        while (r.next() != null) {
          // read to the end
        }
      }
    });
    assertTrue(e.getMessage().startsWith("s2: "), e.getMessage());
  }

  @Test
  void theCacheFindsOnlyTheCopyTheListingNamesAndDropsADamagedOne() throws IOException {
    ManifestCache cache = new ManifestCache(tmp.resolve("cache"));
    Path f = write(ManifestCodecTest.SAMPLE);
    long size = Files.size(f);
    String id = ManifestCodecTest.SAMPLE.id();
    Path kept = cache.keep("bucket", "p/", id, "\"abc\"", null, f).orElseThrow();
    assertFalse(Files.exists(f), "moved, not copied");
    SnapshotRef ref = new SnapshotRef(id, "p/.p3backup/snapshots/" + id + ".jsonl.gz",
        java.time.Instant.EPOCH, "\"abc\"", size);
    assertEquals(kept, cache.find("bucket", "p/", ref).orElseThrow());
    assertTrue(cache.find("bucket", "q/", ref).isEmpty(), "another prefix");
    assertTrue(cache.find("other", "p/", ref).isEmpty(), "another bucket");
    assertTrue(cache.find("bucket", "p/", new SnapshotRef(id, ref.key(), ref.time(), "\"abd\"", size))
        .isEmpty(), "a rewritten manifest (another ETag)");
    assertTrue(cache.find("bucket", "p/", new SnapshotRef(id, ref.key(), ref.time(), null, size))
        .isEmpty(), "no ETag, no match");

    byte[] bytes = Files.readAllBytes(kept);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(kept, bytes);
    assertTrue(cache.find("bucket", "p/", ref).isEmpty(), "a damaged copy is not used");
    assertFalse(Files.exists(kept), "and is deleted");
  }

  @Test
  void theCacheKeepsOnlyTheNewestSnapshotOfATarget() throws IOException {
    ManifestCache cache = new ManifestCache(tmp.resolve("cache"));
    Path newer = cache.keep("b", "", "20261127T000000.000Z", "e2", null, write(ManifestCodecTest.SAMPLE))
        .orElseThrow();
    Path older = write(ManifestCodecTest.SAMPLE);
    assertTrue(cache.keep("b", "", "20261126T000000.000Z", "e1", null, older).isEmpty());
    assertTrue(Files.exists(older), "an older snapshot's copy is left to the caller");
    Path newest = cache.keep("b", "", "20261128T000000.000Z", "e3", null, older).orElseThrow();
    assertFalse(Files.exists(newer), "the older copy went");
    assertTrue(Files.exists(newest));
  }

  /** The regular files in a folder. */
  private static final class Stream implements AutoCloseable {
    private final java.util.stream.Stream<Path> files;

    Stream(Path dir) throws IOException {
      files = Files.list(dir).filter(Files::isRegularFile);
    }

    long count() {
      return files.count();
    }

    @Override
    public void close() {
      files.close();
    }
  }
}
