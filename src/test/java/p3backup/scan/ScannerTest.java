package p3backup.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.paths.EntryType;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;

/** The scanner on Windows-, macOS- and Unix-style file systems. */
class ScannerTest {
  static Stream<Arguments> fileSystems() {
    return Stream.of(
        Arguments.of("windows", Configuration.windows(), "C:\\work"),
        Arguments.of("osX", Configuration.osX(), "/Users/me/work"),
        Arguments.of("unix", Configuration.unix(), "/home/me/work"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void listsFilesDirsAndEmptyDirsWithSlashPaths(String name, Configuration config, String rootText)
      throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(config.toBuilder()
        .setAttributeViews("basic", "posix").build())) {
      Path root = Files.createDirectories(fs.getPath(rootText));
      Files.createDirectories(root.resolve("a b").resolve("c"));
      Files.writeString(root.resolve("a b").resolve("c").resolve("d.txt"), "d");
      Files.createDirectories(root.resolve("empty"));
      Files.createDirectories(root.resolve(".p3backup"));
      String nfd = Normalizer.normalize("r\u00e9sum\u00e9.txt", Normalizer.Form.NFD);
      Files.writeString(root.resolve(nfd), "nfd");
      Files.writeString(root.resolve("skip.tmp"), "x");
      Problems problems = new Problems(RunListener.NONE);

      List<LocalEntry> entries = new Scanner(root, ExcludeRules.of(List.of("*.tmp")), false, "",
          RunListener.NONE, problems).scan();

      // macOS hands names back in NFC whatever they were created with; elsewhere they stay NFD.
      String listed;
      try (var names = Files.list(root)) {
        listed = names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("r")).findFirst().orElseThrow();
      }
      assertEquals(List.of("a b", "a b/c", "a b/c/d.txt", "empty", listed),
          entries.stream().map(LocalEntry::path).toList());
      assertEquals(EntryType.FILE, entries.get(2).type());
      assertTrue(entries.get(3).emptyDir());
      assertTrue(!entries.get(0).emptyDir());
      assertEquals(1, problems.warnings().size(), "the reserved folder is named");
      assertTrue(problems.sorted().isEmpty());
      for (LocalEntry e : entries) {
        assertTrue(Files.exists(e.file()), e.path());
        assertEquals(e.path().substring(e.path().lastIndexOf('/') + 1),
            e.file().getFileName().toString());
      }
      assertEquals("nfd", Files.readString(entries.get(4).file()));
    }
  }

  /** A name whose bytes are not valid text still leads back to its own file. */
  @Test
  void namesThatAreNotValidTextStillReachTheirFile(@TempDir Path root) throws Exception {
    assumeTrue(root.getFileSystem().getSeparator().equals("/") && new File("/bin/sh").canExecute());
    Files.createDirectories(root.resolve("dir"));
    Process p = new ProcessBuilder("/bin/sh", "-c", "printf bad > \"$(printf 'dir/x\\377y')\"")
        .directory(root.toFile()).redirectErrorStream(true).start();
    assertEquals(0, p.waitFor());
    List<LocalEntry> entries = new Scanner(root, ExcludeRules.none(), false, "", RunListener.NONE,
        new Problems(RunListener.NONE)).scan();
    assertEquals(2, entries.size(), entries.toString());
    LocalEntry odd = entries.get(1);
    assertEquals(EntryType.FILE, odd.type());
    assertEquals("bad", Files.readString(odd.file()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void keysPastS3sLimitAreNamedAndSkipped(String name, Configuration config, String rootText)
      throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(config)) {
      Path root = Files.createDirectories(fs.getPath(rootText));
      Path deep = root;
      for (int i = 0; i < 6; i++) {
        deep = deep.resolve("d".repeat(200));
      }
      Files.createDirectories(deep.getParent());
      Files.writeString(deep, "x");
      Problems problems = new Problems(RunListener.NONE);
      new Scanner(root, ExcludeRules.none(), false, "", RunListener.NONE, problems).scan();
      assertEquals(1, problems.sorted().size(), problems.sorted().toString());
    }
  }

  @Test
  void entriesComeInThePathOrderOfTheManifestWhileTheWalkGoesDirectoryByDirectory() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = Files.createDirectories(fs.getPath("/t"));
      // '-' and '.' sort before '/', '0' after it: "a-b" and "a.b" come between "a" and "a/x".
      for (String dir : List.of("a", "a/x", "a-b", "a.b/deep/er", "a0", "b", "a/x y", "\u00e9", "\ud83d\ude00")) {
        Files.createDirectories(root.resolve(dir));
      }
      for (String file : List.of("a/x/1", "a/x/1.txt", "a/x!", "a-b/f", "a.b/g", "a0/h", "a b", "a/x y/z",
          "\uff61", "\ud83d\ude00/i")) {
        Files.writeString(root.resolve(file), file);
      }
      List<String> streamed = new java.util.ArrayList<>();
      new Scanner(root, ExcludeRules.none(), false, "", RunListener.NONE, new Problems(RunListener.NONE))
          .scan(e -> streamed.add(e.path()));
      List<String> sorted = new java.util.ArrayList<>(streamed);
      sorted.sort(null);
      assertEquals(sorted, streamed, "plain string order, as the manifest's");
      assertEquals(21, streamed.size(), streamed.toString());
      assertEquals(List.of("a", "a b", "a-b", "a-b/f", "a.b", "a.b/deep", "a.b/deep/er", "a.b/g",
          "a/x", "a/x y", "a/x y/z", "a/x!", "a/x/1", "a/x/1.txt", "a0", "a0/h", "b"),
          streamed.subList(0, 17));
    }
  }

  /**
   * Long listings are statted by several threads in chunks: what comes out, problems included,
   * is what one thread finds, on the OS's file system and on Jimfs.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void severalThreadsStatALongListingAsOneWould(String name, Configuration config, String rootText)
      throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(config)) {
      sameWithThreads(Files.createDirectories(fs.getPath(rootText)));
    }
  }

  @Test
  void severalThreadsStatALongListingAsOneWouldOnTheOsFileSystem(@TempDir Path root)
      throws Exception {
    sameWithThreads(root);
  }

  private static void sameWithThreads(Path root) throws IOException {
    int n = Scanner.CHUNK * 7 + 5;
    for (int i = 0; i < n; i++) {
      Files.writeString(root.resolve(String.format("f%04d%s", i, i % 50 == 0 ? ".tmp" : "")), "x" + i);
    }
    for (int d = 0; d < 3; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d).resolve("inner"));
      for (int i = 0; i < Scanner.CHUNK * 2 + d; i++) {
        Files.writeString(dir.resolve("g" + i), "y");
      }
    }
    Path deep = Files.createDirectories(root.resolve("deep"));
    Path tooLong = deep.resolve("z".repeat(250));
    for (int i = 0; i < 4; i++) {
      tooLong = tooLong.resolve("z".repeat(250));
    }
    Files.createDirectories(tooLong.getParent());
    Files.writeString(tooLong, "past S3's key limit: a problem");
    ExcludeRules excludes = ExcludeRules.of(List.of("*.tmp"));
    Problems one = new Problems(RunListener.NONE);
    List<LocalEntry> alone = new Scanner(root, excludes, false, "", RunListener.NONE, one, 1).scan();
    Problems four = new Problems(RunListener.NONE);
    List<LocalEntry> together = new Scanner(root, excludes, false, "", RunListener.NONE, four, 4)
        .scan();
    int excluded = (n + 49) / 50;
    int dirs = 3 * 2 + 5;
    assertEquals(n - excluded + dirs + 3 * Scanner.CHUNK * 2 + 3, together.size(),
        "every entry but the excluded files and the one whose key is too long");
    assertEquals(describe(alone), describe(together));
    assertEquals(one.sorted().toString(), four.sorted().toString());
    assertEquals(1, four.sorted().size(), four.sorted().toString());
  }

  private static List<String> describe(List<LocalEntry> entries) {
    return entries.stream().map(e -> e.path() + " " + e.type() + " " + e.stat() + " " + e.emptyDir()
        + " " + e.file()).toList();
  }
}
