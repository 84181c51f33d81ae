package p3backup.crossos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.backup.BackupOptions;
import p3backup.backup.BackupResult;
import p3backup.backup.BackupRun;
import p3backup.problems.FileProblem;
import p3backup.problems.RunListener;
import p3backup.restore.RestoreOptions;
import p3backup.restore.RestoreResult;
import p3backup.restore.Restorer;
import p3backup.scan.ExcludeRules;
import p3backup.storage.InMemoryObjectStore;

/**
 * Backup on one OS's file system and restore on another's (Jimfs): keys always use '/', names
 * are kept as they are, and a name the destination cannot hold is named and skipped, never
 * altered.
 */
class CrossOsRoundTripTest {
  static Stream<Arguments> systems() {
    return Stream.of(
        Arguments.of("windows", Configuration.windows(), "C:\\data"),
        Arguments.of("osX", Configuration.osX(), "/Users/me/data"),
        Arguments.of("unix", Configuration.unix(), "/home/me/data"));
  }

  static BackupResult backup(InMemoryObjectStore store, Path root) throws Exception {
    return new BackupRun(store, new BackupOptions("bucket", "", root, ExcludeRules.none(), false,
        false, false, false, 4, 5L << 20, null, null, null, true, null), Clock.systemUTC(),
        RunListener.NONE).run();
  }

  static RestoreResult restore(InMemoryObjectStore store, Path dest) throws Exception {
    return new Restorer(store, new RestoreOptions("bucket", "", dest, null, false,
        ExcludeRules.none(), 4, 5L << 20, null), RunListener.NONE).run();
  }

  /** A store holding a backup of a tree on a Unix file system: relative path to content. */
  static InMemoryObjectStore backedUpUnixTree(Map<String, String> files) throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(false);
    try (FileSystem unix = Jimfs.newFileSystem(Configuration.unix())) {
      Path tree = Files.createDirectories(unix.getPath("/data"));
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = tree.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      assertEquals(List.of(), backup(store, tree).problems());
    }
    return store;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("systems")
  void backupUsesSlashKeysAndRestoresOnEveryOs(String name, Configuration from, String root)
      throws Exception {
    try (FileSystem src = Jimfs.newFileSystem(from)) {
      Path tree = Files.createDirectories(src.getPath(root));
      Files.createDirectories(tree.resolve("photos").resolve("2024 trip"));
      Files.writeString(tree.resolve("photos").resolve("2024 trip").resolve("beach.jpg"), "jpeg");
      Files.createDirectories(tree.resolve("empty dir"));
      Files.write(tree.resolve("big.bin"), new byte[6 << 20]);
      InMemoryObjectStore store = new InMemoryObjectStore(true);
      BackupResult b = backup(store, tree);
      assertEquals(List.of(), b.problems());
      assertTrue(store.keys("bucket").containsAll(List.of("photos/2024 trip/beach.jpg", "empty dir/", "big.bin")),
          store.keys("bucket").toString());

      for (Arguments to : systems().toList()) {
        try (FileSystem dst = Jimfs.newFileSystem((Configuration) to.get()[1])) {
          Path dest = dst.getPath((String) to.get()[2]).resolveSibling("restored");
          RestoreResult r = restore(store, dest);
          assertEquals(List.of(), r.problems(), name + " -> " + to.get()[0]);
          assertEquals("jpeg", Files.readString(dest.resolve("photos").resolve("2024 trip").resolve("beach.jpg")));
          assertEquals(6 << 20, Files.size(dest.resolve("big.bin")));
          assertTrue(Files.isDirectory(dest.resolve("empty dir")));
        }
      }
    }
  }

  @Test
  void namesWindowsCannotHoldAreNamedAndSkippedThere() throws Exception {
    Map<String, String> files = new java.util.HashMap<>();
    for (String n : List.of("a:b", "CON", "aux.txt", "trailing.", "trailing ", "ok.txt")) {
      files.put(n, n);
    }
    files.put("deep/" + "x".repeat(250), "long");
    InMemoryObjectStore store = backedUpUnixTree(files);
    try (FileSystem windows = Jimfs.newFileSystem(Configuration.windows())) {
      Path dest = windows.getPath("C:\\restore");
      RestoreResult r = restore(store, dest);
      assertEquals(List.of("CON", "a:b", "aux.txt", "deep/" + "x".repeat(250), "trailing ", "trailing."),
          r.problems().stream().map(FileProblem::path).toList());
      assertEquals("ok.txt", Files.readString(dest.resolve("ok.txt")));
      assertEquals(1, r.filesRestored());
    }
  }

  @Test
  void backslashNamesFollowTheRulesOfTheDestinationsFileSystem() throws Exception {
    InMemoryObjectStore store = backedUpUnixTree(Map.of("back\\slash.txt", "one name",
        "..\\escape", "one name too", "ok.txt", "ok"));
    // Windows rules for a Windows file system, whatever the OS running the restore.
    try (FileSystem windows = Jimfs.newFileSystem(Configuration.windows())) {
      Path dest = windows.getPath("C:\\restore");
      RestoreResult r = restore(store, dest);
      assertEquals(List.of("..\\escape", "back\\slash.txt"),
          r.problems().stream().map(FileProblem::path).toList());
      assertEquals(1, r.filesRestored());
      try (Stream<Path> all = Files.walk(windows.getPath("C:\\"))) {
        assertEquals(List.of(dest.resolve("ok.txt")), all.filter(Files::isRegularFile).toList());
      }
    }
    for (Configuration config : List.of(Configuration.unix(), Configuration.osX())) {
      try (FileSystem fs = Jimfs.newFileSystem(config)) {
        Path dest = fs.getPath("/restore");
        RestoreResult r = restore(store, dest);
        assertEquals(List.of(), r.problems());
        assertEquals("one name", Files.readString(dest.resolve("back\\slash.txt")));
        assertEquals("one name too", Files.readString(dest.resolve("..\\escape")));
        assertFalse(Files.exists(fs.getPath("/escape")));
      }
    }
  }

  @Test
  void caseOnlyCollisionsAreNamedOnCaseInsensitiveFileSystems() throws Exception {
    InMemoryObjectStore store = backedUpUnixTree(Map.of("Readme.txt", "upper", "readme.txt", "lower"));
    for (Configuration folding : List.of(Configuration.windows(), Configuration.osX())) {
      try (FileSystem fs = Jimfs.newFileSystem(folding)) {
        Path dest = fs.getRootDirectories().iterator().next().resolve("restore");
        RestoreResult r = restore(store, dest);
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).message().contains("only in letter case"));
        assertEquals("upper", Files.readString(dest.resolve("Readme.txt")));
      }
    }
    try (FileSystem unix = Jimfs.newFileSystem(Configuration.unix())) {
      RestoreResult r = restore(store, unix.getPath("/restore"));
      assertEquals(List.of(), r.problems());
      assertEquals(2, r.filesRestored());
    }
  }

  @Test
  void restoreOnWindowsWritesNoPosixModeAndKeepsMtime() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(false);
    store.createBucket("bucket", null);
    store.putRaw("bucket", "a.txt", "a".getBytes(StandardCharsets.UTF_8),
        Map.of("mtime", "1577934245.5", "mode", "0600"));
    try (FileSystem windows = Jimfs.newFileSystem(Configuration.windows())) {
      Path dest = windows.getPath("C:\\restore");
      RestoreResult r = restore(store, dest);
      assertEquals(List.of(), r.problems());
      assertEquals(1577934245500L, Files.getLastModifiedTime(dest.resolve("a.txt")).toMillis());
      assertFalse(windows.supportedFileAttributeViews().contains("posix"));
    }
  }
}
