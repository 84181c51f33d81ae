package p3backup.forget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import p3backup.forget.Freeable.Doomed;
import p3backup.forget.Freeable.Selection;
import p3backup.paths.EntryType;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.storage.ObjectVersion;

/** What forget frees, from manifests and a listing alone. */
class FreeableTest {
  static ManifestEntry file(String path, long size, String versionId) {
    return new ManifestEntry(path, EntryType.FILE, size, 0, 0644, "00", versionId, null, false, 0, null);
  }

  static ManifestEntry emptyDir(String path, String versionId) {
    return new ManifestEntry(path, EntryType.DIR, 0, 0, 0755, null, versionId, null, true, 0, null);
  }

  static ManifestEntry link(String path) {
    return new ManifestEntry(path, EntryType.LINK, 0, 0, 0777, null, null, "target", false, 0, null);
  }

  static Manifest manifest(String id, ManifestEntry... entries) {
    return new Manifest(id, Instant.EPOCH, List.of(entries));
  }

  static ObjectVersion version(String key, String id, long size, boolean latest) {
    return new ObjectVersion(key, id, size, Instant.EPOCH, latest, false);
  }

  static ObjectVersion marker(String key, String id, boolean latest) {
    return new ObjectVersion(key, id, 0, Instant.EPOCH, latest, true);
  }

  static List<String> refs(Selection s) {
    List<String> out = new ArrayList<>();
    for (Doomed d : s.versions()) {
      out.add(d.ref().key() + "@" + d.ref().versionId());
    }
    return out;
  }

  @Test
  void versionsOnlyForgottenManifestsNameAreFreed() {
    Freeable f = new Freeable("home/");
    f.forgotten(manifest("old", file("a.txt", 10, "a1"), file("b.txt", 20, "b1"), emptyDir("e", "e1")));
    f.kept(manifest("new", file("a.txt", 11, "a2"), file("b.txt", 20, "b1")));
    Selection s = f.select(List.of(version("home/a.txt", "a2", 11, true), version("home/a.txt", "a1", 10, false),
        version("home/b.txt", "b1", 20, true), version("home/e/", "e1", 0, true),
        version("home/other.txt", "o1", 5, true)));
    assertEquals(List.of("home/a.txt@a1", "home/e/@e1"), refs(s));
    assertEquals(10, s.bytes());
    assertEquals(Set.of("home/e/"), s.emptiedKeys(), "a.txt keeps its kept version");
  }

  @Test
  void aVersionNoManifestNamesIsNeverFreed() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("a.txt", 10, "a1")));
    f.kept(manifest("new", link("l")));
    // a2 was written by another tool after the old backup: it stays, and so does its key.
    Selection s = f.select(List.of(version("a.txt", "a2", 99, true), version("a.txt", "a1", 10, false),
        version("x", "x1", 1, true)));
    assertEquals(List.of("a.txt@a1"), refs(s));
    assertEquals(Set.of(), s.emptiedKeys());
  }

  @Test
  void deleteMarkersOfPathsNoKeptSnapshotListsGoWithTheirVersions() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("gone.txt", 10, "g1"), file("mixed.txt", 5, "m1")));
    f.kept(manifest("new", file("kept.txt", 1, "k1")));
    Selection s = f.select(List.of(marker("gone.txt", "g2", true), version("gone.txt", "g1", 10, false),
        marker("mixed.txt", "m3", true), version("mixed.txt", "m2", 7, false),
        version("mixed.txt", "m1", 5, false), version("kept.txt", "k1", 1, true)));
    // mixed.txt has a version no manifest names (m2): its marker stays so that m2 does not
    // come back into view.
    assertEquals(List.of("gone.txt@g1", "gone.txt@g2", "mixed.txt@m1"), refs(s), "a key's versions before its markers");
    assertEquals(Set.of("gone.txt"), s.emptiedKeys());
    assertEquals(15, s.bytes(), "markers weigh nothing");
  }

  @Test
  void aMarkerOfAPathAKeptSnapshotListsStays() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("a", 1, "a1")));
    f.kept(manifest("new", file("a", 2, "a3")));
    Selection s = f.select(List.of(version("a", "a3", 2, true), marker("a", "a2", false), version("a", "a1", 1, false)));
    assertEquals(List.of("a@a1"), refs(s));
  }

  @Test
  void unversionedObjectsGoOnlyWhenNoKeptSnapshotListsThePathAndTheSizeIsOneWeWrote() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("gone.txt", 10, null), file("same.txt", 3, null),
        file("rewritten.txt", 4, null), file("dir", 0, null)));
    f.forgotten(manifest("older", file("gone.txt", 12, null)));
    f.kept(manifest("new", file("same.txt", 3, null), link("dir")));
    Selection s = f.select(List.of(version("gone.txt", null, 12, true), version("same.txt", null, 3, true),
        version("rewritten.txt", null, 400, true), version("dir", null, 0, true)));
    // dir is a link in the kept snapshot: the file object it was goes.
    assertEquals(List.of("gone.txt@null", "dir@null"), refs(s));
    assertEquals(Set.of("gone.txt", "dir"), s.emptiedKeys());
  }

  @Test
  void theNullVersionOfABucketThatTurnedVersioningOnIsAnUnversionedObject() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("a", 1, null)));
    f.kept(manifest("new", file("b", 1, "b1")));
    Selection s = f.select(List.of(version("a", "v9", 2, true), version("a", "null", 1, false)));
    assertEquals(List.of("a@null"), refs(s));
  }

  @Test
  void aKeptEntryWithoutVersionIdProtectsTheCurrentVersion() {
    Freeable f = new Freeable("");
    f.forgotten(manifest("old", file("a", 1, "a1")));
    f.kept(manifest("new", file("a", 1, null)));
    assertEquals(List.of(), refs(f.select(List.of(version("a", "a1", 1, true)))));
  }

  @Test
  void journalEntriesCountAsForgottenNames() {
    Freeable f = new Freeable("");
    f.forgotten("a", "a1", 1);
    f.kept(manifest("new", file("b", 1, "b1")));
    assertEquals(List.of("a@a1"), refs(f.select(List.of(version("a", "a1", 1, true), version("b", "b1", 1, true)))));
  }

  @Test
  void soleBytesAreWhatForgettingOneSnapshotAloneFrees() {
    SoleBytes sole = new SoleBytes();
    sole.add(0, manifest("s0", file("a", 10, "a1"), file("b", 20, "b1"), file("u", 7, null)));
    sole.add(1, manifest("s1", file("a", 11, "a2"), file("b", 20, "b1"), file("u", 7, null)));
    sole.add(2, manifest("s2", file("a", 11, "a2"), file("c", 30, "c1"), file("w", 5, null)));
    assertArrayEquals(new long[] {10, 0, 35}, sole.totals(3));
  }
}
