package p3backup.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeDetectorTest {
  private static final long N = FileStat.NONE;

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "null", value = {
      "all equal,                 10, 100, 200, 1:5,  10, 100, 200, 1:5,  true",
      "size differs,              11, 100, 200, 1:5,  10, 100, 200, 1:5,  false",
      "mtime differs,             10, 101, 200, 1:5,  10, 100, 200, 1:5,  false",
      "old mtime put back,        10, 100, 201, 1:5,  10, 100, 200, 1:5,  false",
      "replaced by another inode, 10, 100, 200, 1:6,  10, 100, 200, 1:5,  false",
      "no ctime or inode (Windows), 10, 100, " + Long.MIN_VALUE + ", null, 10, 100, " + Long.MIN_VALUE + ", null, true",
  })
  void unchangedOnlyWhenEverythingRecordedIsEqual(String name, long size, long mtime, long ctime,
      String inode, long rSize, long rMtime, long rCtime, String rInode, boolean unchanged) {
    FileStat now = new FileStat(FileStat.Kind.FILE, size, mtime, ctime, inode, 0644);
    assertEquals(unchanged, ChangeDetector.unchanged(now,
        new ChangeDetector.Recorded(rSize, rMtime, rCtime, rInode)));
    assertEquals(N, Long.MIN_VALUE);
  }
}
