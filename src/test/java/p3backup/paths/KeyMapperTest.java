package p3backup.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyMapperTest {
  private static final String NFC = "caf\u00e9";
  private static final String NFD = "cafe\u0301";

  static Stream<Arguments> fileSystems() {
    return Stream.of(
        Arguments.of("windows", Configuration.windows(), "C:\\work"),
        Arguments.of("osX", Configuration.osX(), "/Users/me/work"),
        Arguments.of("unix", Configuration.unix(), "/home/me/work"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void nestedPathIsJoinedWithSlashesOnEveryFileSystem(String os, Configuration config, String root)
      throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(config)) {
      Path rootPath = fs.getPath(root);
      Path file = rootPath.resolve("a").resolve("b c").resolve("d.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      assertEquals("a/b c/d.txt", KeyMapper.relativePath(rootPath, file));
      assertEquals("a", KeyMapper.relativePath(rootPath, rootPath.resolve("a")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void specialCharactersAreKept(String os, Configuration config, String root) throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(config)) {
      Path rootPath = fs.getPath(root);
      String name = "a +%#&=' [x] {y} (z) ,;@!$~^`.txt";
      Path file = rootPath.resolve("sub dir").resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      try (Stream<Path> walk = Files.walk(rootPath)) {
        Path found = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
        assertEquals("sub dir/" + name, KeyMapper.relativePath(rootPath, found));
      }
    }
  }

  @Test
  void windowsPathWithDriveLetterUsesSlashes() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows())) {
      Path root = fs.getPath("C:\\work");
      Path file = fs.getPath("C:\\work\\photos\\2024\\IMG 0001.JPG");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      try (Stream<Path> walk = Files.walk(root)) {
        Path found = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
        assertEquals("photos/2024/IMG 0001.JPG", KeyMapper.relativePath(root, found));
      }
      assertEquals("photos/2024/IMG 0001.JPG", KeyMapper.relativePath(root, file));
      assertEquals("work/photos", KeyMapper.relativePath(fs.getPath("C:\\"), file.getParent().getParent()));
    }
  }

  @Test
  void unixNameWithBackslashKeepsTheBackslash() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/work");
      Path file = root.resolve("dir\\with").resolve("back\\slash.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      try (Stream<Path> walk = Files.walk(root)) {
        Path found = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
        assertEquals("dir\\with/back\\slash.txt", KeyMapper.relativePath(root, found));
      }
    }
  }

  /**
   * Jimfs's osX() models the JDK on macOS, which hands out every name in NFC whatever the disk
   * holds (and writes NFD): the key follows what the file system reports, with no
   * normalisation of its own.
   */
  @Test
  void macNameIsKeptAsTheFileSystemReportsIt() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.osX())) {
      Path root = fs.getPath("/Users/me");
      Path file = root.resolve(NFD).resolve(NFD + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      try (Stream<Path> walk = Files.walk(root)) {
        Path found = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
        String rel = KeyMapper.relativePath(root, found);
        assertEquals(
            found.getParent().getFileName() + "/" + found.getFileName(), rel);
        assertEquals(NFC + "/" + NFC + ".txt", rel);
      }
    }
  }

  @Test
  void nfdNameStaysNfdAndDiffersFromNfc() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/work");
      Path file = root.resolve(NFD).resolve(NFD + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");

      try (Stream<Path> walk = Files.walk(root)) {
        Path found = walk.filter(Files::isRegularFile).findFirst().orElseThrow();
        String rel = KeyMapper.relativePath(root, found);
        assertEquals(NFD + "/" + NFD + ".txt", rel);
        assertNotEquals(NFC + "/" + NFC + ".txt", rel);
      }
    }
  }

  @Test
  void unixKeepsNfcAndNfdNamesApart() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/work");
      Files.createDirectories(root);
      Files.writeString(root.resolve(NFC), "nfc");
      Files.writeString(root.resolve(NFD), "nfd");

      assertEquals(NFC, KeyMapper.relativePath(root, root.resolve(NFC)));
      assertEquals(NFD, KeyMapper.relativePath(root, root.resolve(NFD)));
      try (Stream<Path> list = Files.list(root)) {
        assertEquals(2, list.count());
      }
    }
  }

  @Test
  void relativeRootWorks() {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("backup dir");

      assertEquals("x/y", KeyMapper.relativePath(root, root.resolve("x/y")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void pathOutsideRootIsRejected() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem other = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = fs.getPath("/work");

      assertThrows(IllegalArgumentException.class, () -> KeyMapper.relativePath(root, root));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, fs.getPath("/workshop/a")));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, fs.getPath("/elsewhere/a")));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, fs.getPath("work/a")));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, other.getPath("/work/a")));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, fs.getPath("/work/a/../../etc")));
      assertThrows(IllegalArgumentException.class,
          () -> KeyMapper.relativePath(root, fs.getPath("/work/./a")));
    }
  }

  @ParameterizedTest(name = "[{0}] + [{1}] dir={2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''       | a.txt           | false | a.txt",
        "''       | a/b c/d.txt     | false | a/b c/d.txt",
        "''       | empty           | true  | empty/",
        "photos/  | a/b c/d.txt     | false | photos/a/b c/d.txt",
        "p/q/     | dir/sub         | true  | p/q/dir/sub/",
        "p/       | +%#?&='[]{}.txt | false | p/+%#?&='[]{}.txt",
        "p/       | a\\b            | false | p/a\\b",
      })
  void objectKeyIsPrefixPlusPath(String prefix, String rel, boolean dir, String key) {
    assertEquals(key, KeyMapper.objectKey(prefix, rel, dir));
  }

  @Test
  void objectKeyKeepsUnicodeAsIs() {
    assertEquals("p/" + NFD + "/" + NFC, KeyMapper.objectKey("p/", NFD + "/" + NFC, false));
  }

  @Test
  void objectKeyRejectsMalformedInput() {
    assertThrows(IllegalArgumentException.class, () -> KeyMapper.objectKey("p", "a", false));
    assertThrows(IllegalArgumentException.class, () -> KeyMapper.objectKey("", "", true));
    assertThrows(IllegalArgumentException.class, () -> KeyMapper.objectKey("", "/a", false));
    assertThrows(IllegalArgumentException.class, () -> KeyMapper.objectKey("", "a/", true));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "a/b c/d.txt",
        "dir/",
        "caf\u00e9/\u65e5\u672c\u8a9e.txt",
        "\ud83d\ude00.png",
        "+%#?&='[]{}",
        "tab\there\nnewline",
      })
  void ordinaryKeyHasNoProblem(String key) {
    assertEquals(Optional.empty(), KeyMapper.keyProblem(key));
  }

  @Test
  void keyAtTheLimitIsAcceptedAndOneByteMoreIsNot() {
    String ascii = "a".repeat(1024);
    String threeByte = "\u65e5".repeat(341) + "a";
    String fourByte = "\ud83d\ude00".repeat(256);

    assertEquals(Optional.empty(), KeyMapper.keyProblem(ascii));
    assertEquals(Optional.empty(), KeyMapper.keyProblem(threeByte));
    assertEquals(Optional.empty(), KeyMapper.keyProblem(fourByte));
    assertEquals(
        Optional.of("the object key is 1025 bytes long in UTF-8; S3 allows at most 1024:"
            + " shorten the path or the prefix"),
        KeyMapper.keyProblem(ascii + "b"));
    assertTrue(KeyMapper.keyProblem(threeByte + "\u00e9").orElseThrow().contains("1026 bytes"));
    assertTrue(KeyMapper.keyProblem(fourByte + "a").orElseThrow().contains("1025 bytes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\ud800b", "a\udc00", "\ud83d", "x\ude00\ud83d"})
  void unpairedSurrogateIsAProblem(String key) {
    String problem = KeyMapper.keyProblem(key).orElseThrow();

    assertTrue(problem.contains("unpaired UTF-16 surrogate (U+D"), problem);
  }

  @Test
  void nulIsAProblem() {
    assertEquals(
        Optional.of("the name contains a NUL character, which S3 keys cannot hold"),
        KeyMapper.keyProblem("a\0b"));
  }

  @Test
  void emptyKeyIsAProblem() {
    assertTrue(KeyMapper.keyProblem("").isPresent());
  }
}
