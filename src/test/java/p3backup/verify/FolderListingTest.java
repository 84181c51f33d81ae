package p3backup.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import p3backup.paths.EntryType;
import p3backup.snapshot.ManifestEntry;

/** Where the listing of a snapshot is cut: as deep as one listing per 100 objects allows. */
class FolderListingTest {
  private static ManifestEntry dir(String path, boolean marker) {
    return new ManifestEntry(path, EntryType.DIR, 0, 0, 0755, null, null, null, marker, 0, null);
  }

  private static ManifestEntry file(String path) {
    return new ManifestEntry(path, EntryType.FILE, 1, 0, 0644, "00", null, null, false, 0, null);
  }

  /** {@code tops} folders at depth 1 with {@code subs} each, {@code files} in every sub. */
  private static FolderListing.Shape shape(int tops, int subs, int files) {
    FolderListing.Shape shape = new FolderListing.Shape();
    List<ManifestEntry> all = new ArrayList<>();
    for (int t = 0; t < tops; t++) {
      all.add(dir("t" + t, false));
      for (int s = 0; s < subs; s++) {
        all.add(dir("t" + t + "/s" + s, false));
        for (int f = 0; f < files; f++) {
          all.add(file("t" + t + "/s" + s + "/f" + f));
        }
      }
    }
    all.forEach(shape::add);
    return shape;
  }

  @Test
  void cutsAsDeepAsTheBudgetAllows() {
    // 1,000,000 files in 71 x 71 folders: 1 + 71 + 5,041 listings within 10,000.
    assertEquals(2, shape(71, 71, 200).depth(8));
    // 100,000 in 10 x 50: 511 listings within 1,000.
    assertEquals(2, shape(10, 50, 200).depth(8));
    // Small folders: 1 + 100 + 10,000 listings for 20,000 files is too many at depth 2.
    assertEquals(1, shape(100, 100, 2).depth(8));
    // Fewer than 100 objects a listing even at depth 1: one listing of it all.
    assertEquals(0, shape(1000, 1, 5).depth(8));
    // One job: one listing, as many folders as there may be.
    assertEquals(0, shape(71, 71, 200).depth(1));
  }

  @Test
  void aMarkerIsAnObjectAndTheDepthOfAPathCountsItsNames() {
    FolderListing.Shape shape = new FolderListing.Shape();
    for (int i = 0; i < 3; i++) {
      shape.add(dir("e" + i, true));
    }
    for (int i = 0; i < 397; i++) {
      shape.add(file("f" + i));
    }
    assertEquals(1, shape.depth(4), "400 objects with the 3 markers: 4 listings allowed");
    assertEquals(1, FolderListing.depth("a"));
    assertEquals(3, FolderListing.depth("a/b c/d"));
  }
}
