package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.paths.EntryType;
import p3backup.snapshot.ManifestEntry;

/** A dead run's journal, taken in landing order and read back in path order. */
class TakeoverTest {
  @TempDir Path tmp;

  private static ManifestEntry file(String path, long size) {
    return new ManifestEntry(path, EntryType.FILE, size, 1, 0644, "ab", null, null, false, 2, "1:2");
  }

  @Test
  void sortedChunksOnDiskMergeBackInPathOrderTheLastAddedWinning() throws IOException {
    Random random = new Random(14);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      paths.add(String.format("d%02d/f%04d", i % 37, i));
    }
    List<String> landing = new ArrayList<>(paths);
    Collections.shuffle(landing, random);
    TreeMap<String, ManifestEntry> expected = new TreeMap<>();
    try (Takeover t = new Takeover(tmp, 64)) {
      for (String p : landing) {
        ManifestEntry e = file(p, 1);
        t.add(e);
        expected.put(p, e);
      }
      // Some paths again later (a newer run): those count, across chunks.
      for (int i = 0; i < 100; i++) {
        String p = paths.get(random.nextInt(paths.size()));
        ManifestEntry e = file(p, 100 + i);
        t.add(e);
        expected.put(p, e);
      }
      try (Stream<Path> spilled = Files.list(tmp)) {
        assertEquals(17, spilled.count(), "1,100 entries in chunks of 64 on disk");
      }
      // The planner asks every scanned path in order, most of them not in the journal.
      int found = 0;
      for (String p : new java.util.TreeSet<>(withGaps(paths))) {
        ManifestEntry got = t.at(p);
        assertEquals(expected.get(p), got, p);
        found += got == null ? 0 : 1;
      }
      assertEquals(expected.size(), found);
      assertThrows(IllegalStateException.class, () -> t.at("a"), "out of order");
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count(), "the chunks are deleted");
    }
  }

  /** The journal's paths with paths between them that it does not have. */
  private static List<String> withGaps(List<String> paths) {
    List<String> all = new ArrayList<>(paths);
    for (String p : paths) {
      all.add(p + "-not-uploaded");
    }
    all.add("0-before-all");
    all.add("z-after-all");
    return all;
  }

  @Test
  void aSmallJournalStaysInMemoryAndNoneHasNothing() throws IOException {
    try (Takeover t = new Takeover(tmp, 64)) {
      t.add(file("b", 1));
      t.add(file("a", 1));
      t.add(file("b", 2));
      assertNull(t.at("0"));
      assertEquals(file("a", 1), t.at("a"));
      assertEquals(file("b", 2), t.at("b"));
      assertNull(t.at("c"));
      try (Stream<Path> spilled = Files.list(tmp)) {
        assertEquals(0, spilled.count());
      }
    }
    try (Takeover none = Takeover.none()) {
      assertNull(none.at("a"));
      assertEquals(0, none.added());
    }
  }
}
