package p3backup.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import p3backup.backup.BackupOptions;
import p3backup.backup.BackupRun;
import p3backup.problems.RunListener;
import p3backup.scan.ExcludeRules;
import p3backup.storage.InMemoryObjectStore;

/**
 * Restore of objects larger than the part size: many more parts than are fetched at once, put
 * together in order, and a wrong byte in any part caught before the file takes its name.
 */
class RangedRestoreTest {
  private static final long PART = 64 << 10;

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(42).nextBytes(b);
    return b;
  }

  private static void backup(InMemoryObjectStore store, Path root) throws Exception {
    new BackupRun(store, new BackupOptions("bucket", "", root, ExcludeRules.none(), false, false,
        false, false, 4, 5L << 20, null, null, null, false, null), Clock.systemUTC(), RunListener.NONE)
        .run();
  }

  private static RestoreResult restore(InMemoryObjectStore store, Path dest) throws Exception {
    return new Restorer(store, new RestoreOptions("bucket", "", dest, null, false,
        ExcludeRules.none(), 4, PART, null), RunListener.NONE).run();
  }

  @Test
  void manyPartsComeBackInOrder() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path src = Files.createDirectories(fs.getPath("/src"));
      byte[] big = content((int) (PART * 17 + 7)); // 18 parts, the last of 7 bytes
      byte[] exact = content((int) (PART * 5));
      Files.write(src.resolve("big.bin"), big);
      Files.write(src.resolve("exact.bin"), exact);
      InMemoryObjectStore store = new InMemoryObjectStore(false);
      backup(store, src);

      Path dest = fs.getPath("/dest");
      RestoreResult r = restore(store, dest);
      assertEquals(List.of(), r.problems());
      assertEquals(2, r.filesRestored());
      assertArrayEquals(big, Files.readAllBytes(dest.resolve("big.bin")));
      assertArrayEquals(exact, Files.readAllBytes(dest.resolve("exact.bin")));
    }
  }

  @Test
  void aWrongByteInALatePartIsCaught() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path src = Files.createDirectories(fs.getPath("/src"));
      byte[] big = content((int) (PART * 12 + 3));
      Files.write(src.resolve("big.bin"), big);
      InMemoryObjectStore store = new InMemoryObjectStore(false);
      backup(store, src);
      byte[] tampered = big.clone();
      tampered[(int) (PART * 10) + 5] ^= 1; // in the eleventh part, past the first window
      store.putRaw("bucket", "big.bin", tampered, Map.of());

      Path dest = fs.getPath("/dest");
      RestoreResult r = restore(store, dest);
      assertEquals(1, r.problems().size(), r.problems().toString());
      assertFalse(Files.exists(dest.resolve("big.bin")));
      try (var left = Files.list(dest)) {
        assertEquals(List.of(), left.toList(), "no temporary file is left behind");
      }
    }
  }
}
