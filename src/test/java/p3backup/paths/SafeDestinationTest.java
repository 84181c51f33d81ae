package p3backup.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Restore destinations on Windows-, macOS- and Unix-style file systems. */
class SafeDestinationTest {
  static SafeDestination on(Configuration config, String root) throws IOException {
    FileSystem fs = Jimfs.newFileSystem(config);
    return new SafeDestination(Files.createDirectories(fs.getPath(root)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/../../escape", "a/..", "..", "/abs", "/", "a//b",
      "a/./b", ".", "", "nul\0byte", "trailing/"})
  void pathsThatCouldEscapeAreRefusedEverywhere(String rel) throws IOException {
    for (SafeDestination d : new SafeDestination[] {
        on(Configuration.unix(), "/home/me/dest"), on(Configuration.osX(), "/Users/me/dest"),
        on(Configuration.windows(), "C:\\Users\\me\\dest")}) {
      assertInstanceOf(SafeDestination.Refused.class, d.resolve(rel), rel + " on " + d.root());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"C:\\win", "a\\..\\..\\x", "..\\escape", "\\abs", "sub\\..\\..\\x",
      "c:/drive", "C:escape"})
  void backslashesAndDrivesThatWouldEscapeOnWindowsAreRefusedThere(String rel) throws IOException {
    SafeDestination windows = on(Configuration.windows(), "C:\\Users\\me\\dest");
    assertInstanceOf(SafeDestination.Refused.class, windows.resolve(rel), rel);
  }

  @ParameterizedTest
  @ValueSource(strings = {"back\\slash.txt", "C:\\win", "a\\..\\..\\x", "..\\escape", "\\abs",
      "dir/with\\backslash"})
  void backslashIsAnOrdinaryCharacterOnUnixAndMacOsAndStaysInsideTheDestination(String rel)
      throws IOException {
    for (SafeDestination d : new SafeDestination[] {
        on(Configuration.unix(), "/home/me/dest"), on(Configuration.osX(), "/Users/me/dest")}) {
      SafeDestination.Resolved r = d.resolve(rel);
      assertInstanceOf(SafeDestination.Inside.class, r, rel + " on " + d.root());
      Path p = ((SafeDestination.Inside) r).path();
      assertEquals(d.root().resolve(rel), p, "one name, as given, under its folder");
      assertEquals(rel.substring(rel.lastIndexOf('/') + 1), p.getFileName().toString());
      assertTrue(p.startsWith(d.root()) && !p.equals(d.root()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a:b", "c:/drive", "CON", "con.txt", "aux.txt", "nul", "COM1.log", "LPT9",
      "trailing.", "trailing ", "dir./file", "what?.txt", "pipe|name", "star*", "quote\"d",
      "less<than", "tab\tname"})
  void namesWindowsCannotHoldAreRefusedOnWindowsOnly(String rel) throws IOException {
    SafeDestination windows = on(Configuration.windows(), "C:\\dest");
    SafeDestination.Resolved r = windows.resolve(rel);
    assertInstanceOf(SafeDestination.Refused.class, r, rel);
    assertTrue(((SafeDestination.Refused) r).reason().contains("not restored"));
    SafeDestination unix = on(Configuration.unix(), "/dest");
    assertInstanceOf(SafeDestination.Inside.class, unix.resolve(rel), rel + " is fine on Unix");
  }

  @Test
  void slashPathsMapToTheLocalSeparators() throws IOException {
    SafeDestination windows = on(Configuration.windows(), "C:\\Users\\me\\dest");
    Path p = ((SafeDestination.Inside) windows.resolve("photos/2024 trip/beach.jpg")).path();
    assertEquals("C:\\Users\\me\\dest\\photos\\2024 trip\\beach.jpg", p.toString());
    SafeDestination unix = on(Configuration.unix(), "/dest");
    assertEquals("/dest/a b/c+%#.txt", ((SafeDestination.Inside) unix.resolve("a b/c+%#.txt")).path().toString());
  }

  @Test
  void pathsPastWindowsLengthLimitAreRefusedThere() throws IOException {
    String deep = "d".repeat(100) + "/" + "e".repeat(100) + "/" + "f".repeat(60) + ".txt";
    assertInstanceOf(SafeDestination.Refused.class, on(Configuration.windows(), "C:\\dest").resolve(deep));
    assertInstanceOf(SafeDestination.Inside.class, on(Configuration.unix(), "/dest").resolve(deep));
  }

  @Test
  void namesLongerThan255BytesAreRefused() throws IOException {
    assertInstanceOf(SafeDestination.Refused.class, on(Configuration.unix(), "/dest").resolve("x".repeat(256)));
    assertInstanceOf(SafeDestination.Inside.class, on(Configuration.unix(), "/dest").resolve("x".repeat(255)));
  }

  @Test
  void unicodeNamesAreKeptAsGiven() throws IOException {
    SafeDestination unix = on(Configuration.unix(), "/dest");
    String nfd = "cafe\u0301.txt";
    String nfc = "caf\u00e9.txt";
    Path a = ((SafeDestination.Inside) unix.resolve(nfd)).path();
    Path b = ((SafeDestination.Inside) unix.resolve(nfc)).path();
    assertEquals(nfd, a.getFileName().toString());
    assertEquals(nfc, b.getFileName().toString());
  }
}
