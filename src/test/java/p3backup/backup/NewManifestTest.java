package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.problems.RunListener;
import p3backup.scan.ExcludeRules;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.InMemoryObjectStore;

/**
 * The new manifest is written from the first difference only, the entries before it copied
 * from the previous snapshot: whatever the difference's place, the snapshot is the tree.
 */
class NewManifestTest {
  @TempDir Path tmp;

  private BackupResult backup(InMemoryObjectStore store, Path tree, boolean delete) throws Exception {
    return new BackupRun(store, new BackupOptions("bucket", "", tree, ExcludeRules.none(), false,
        false, delete, false, 4, 8L << 20, null, null, null, false, null), Clock.systemUTC(),
        RunListener.NONE).run();
  }

  private static Manifest latest(InMemoryObjectStore store) {
    SnapshotStore s = new SnapshotStore(store, "bucket", "");
    List<SnapshotRef> refs = s.list();
    return s.load(refs.get(refs.size() - 1));
  }

  private static List<String> paths(Manifest m) {
    List<String> p = new ArrayList<>();
    m.entries().forEach(e -> p.add(e.path() + (e.sha256() == null ? "" : "@" + e.sha256().substring(0, 8))));
    return p;
  }

  @Test
  void aDifferenceAtTheStartTheMiddleOrTheEndGivesTheWholeTree() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("t"));
    for (int i = 0; i < 300; i++) {
      Path d = Files.createDirectories(tree.resolve(String.format("d%02d", i / 10)));
      Files.writeString(d.resolve("f" + i), "file " + i);
    }
    InMemoryObjectStore store = new InMemoryObjectStore(false);
    backup(store, tree, false);
    Manifest first = latest(store);
    assertEquals(330, first.entries().size());

    BackupResult none = backup(store, tree, false);
    assertNull(none.snapshot(), "nothing changed: no snapshot");

    for (String changed : List.of("d29/f299", "d00/f0", "d15/f155")) {
      Path f = tree.resolve(changed);
      Files.writeString(f, "changed " + changed);
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
      BackupResult r = backup(store, tree, false);
      assertEquals(1, r.filesUploaded(), changed);
      Manifest m = latest(store);
      assertEquals(r.snapshot(), m.id());
      assertEquals(330, m.entries().size(), changed);
      for (int i = 0; i < m.entries().size(); i++) {
        ManifestEntry before = first.entries().get(i);
        ManifestEntry after = m.entries().get(i);
        assertEquals(before.path(), after.path());
        if (!after.path().equals(changed) && !List.of("d29/f299", "d00/f0", "d15/f155").contains(after.path())) {
          assertEquals(before.sha256(), after.sha256(), after.path());
        }
      }
      assertNotEquals(first.entries().stream().filter(e -> e.path().equals(changed)).findFirst().orElseThrow().sha256(),
          m.entries().stream().filter(e -> e.path().equals(changed)).findFirst().orElseThrow().sha256());
    }

    Files.delete(tree.resolve("d29/f298"));
    BackupResult gone = backup(store, tree, false);
    List<String> after = paths(latest(store));
    assertEquals(329, after.size(), "a file gone at the end is a difference too: " + gone);
    Files.delete(tree.resolve("d00/f1"));
    backup(store, tree, false);
    assertEquals(328, latest(store).entries().size(), "and at the start");
  }
}
