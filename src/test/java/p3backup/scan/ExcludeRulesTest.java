package p3backup.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExcludeRulesTest {
  private static final boolean DIR = true;
  private static final boolean FILE = false;

  private static Arguments row(List<String> patterns, String path, boolean dir, boolean excluded) {
    return Arguments.of(patterns, path, dir, excluded);
  }

  /**
   * Each row was checked against {@code git check-ignore --no-index} (git 2.39) with the
   * patterns as a .gitignore and the path created as a file or directory. git also applies
   * excluded parent directories, hence {@link ExcludeRules#isExcludedOrUnder}.
   */
  static Stream<Arguments> gitCheckIgnoreTable() {
    return Stream.of(
        row(List.of("*.txt"), "a.txt", FILE, true),
        row(List.of("*.txt"), "b/c.txt", FILE, true),
        row(List.of("*.txt"), "b/c.txt.bak", FILE, false),
        row(List.of("*.txt"), "txt", FILE, false),
        row(List.of("*.txt"), ".txt", FILE, true),
        row(List.of("foo"), "foo", FILE, true),
        row(List.of("foo"), "foo", DIR, true),
        row(List.of("foo"), "a/foo", FILE, true),
        row(List.of("foo"), "a/foo", DIR, true),
        row(List.of("foo"), "foobar", FILE, false),
        row(List.of("foo"), "a/foo/b", FILE, true),
        row(List.of("foo/"), "foo", FILE, false),
        row(List.of("foo/"), "foo", DIR, true),
        row(List.of("foo/"), "a/foo", DIR, true),
        row(List.of("foo/"), "a/foo", FILE, false),
        row(List.of("foo/"), "a/foo/x", FILE, true),
        row(List.of("/foo"), "foo", FILE, true),
        row(List.of("/foo"), "a/foo", FILE, false),
        row(List.of("/foo"), "foo", DIR, true),
        row(List.of("/foo"), "foo/x", FILE, true),
        row(List.of("a/b"), "a/b", FILE, true),
        row(List.of("a/b"), "x/a/b", FILE, false),
        row(List.of("a/b"), "a/b", DIR, true),
        row(List.of("a/b"), "a/b/c", FILE, true),
        row(List.of("doc/*.txt"), "doc/a.txt", FILE, true),
        row(List.of("doc/*.txt"), "doc/x/a.txt", FILE, false),
        row(List.of("doc/*.txt"), "x/doc/a.txt", FILE, false),
        row(List.of("**/foo"), "foo", FILE, true),
        row(List.of("**/foo"), "a/foo", FILE, true),
        row(List.of("**/foo"), "a/b/foo", DIR, true),
        row(List.of("**/foo"), "a/foo/x", FILE, true),
        row(List.of("**/foo"), "afoo", FILE, false),
        row(List.of("**/foo/bar"), "foo/bar", FILE, true),
        row(List.of("**/foo/bar"), "a/foo/bar", FILE, true),
        row(List.of("**/foo/bar"), "a/foo/x/bar", FILE, false),
        row(List.of("abc/**"), "abc", DIR, false),
        row(List.of("abc/**"), "abc/x", FILE, true),
        row(List.of("abc/**"), "abc/x/y", FILE, true),
        row(List.of("abc/**"), "abc/x", DIR, true),
        row(List.of("abc/**"), "x/abc/y", FILE, false),
        row(List.of("a/**/b"), "a/b", FILE, true),
        row(List.of("a/**/b"), "a/x/b", FILE, true),
        row(List.of("a/**/b"), "a/x/y/b", FILE, true),
        row(List.of("a/**/b"), "a/xb", FILE, false),
        row(List.of("a/**/b"), "ab", FILE, false),
        row(List.of("a/**/b"), "x/a/b", FILE, false),
        row(List.of("a**b"), "ab", FILE, true),
        row(List.of("a**b"), "axb", FILE, true),
        row(List.of("a**b"), "ax/b", FILE, false),
        row(List.of("a**b"), "ayb", DIR, true),
        row(List.of("**"), "a", FILE, true),
        row(List.of("**"), "a/b", FILE, true),
        row(List.of("**"), "a", DIR, true),
        row(List.of("foo/**/"), "foo/x", FILE, false),
        row(List.of("foo/**/"), "foo/x", DIR, true),
        row(List.of("foo/**/"), "foo/x/y", DIR, true),
        row(List.of("foo/**/"), "foo", DIR, false),
        row(List.of("*", "!*.txt"), "a.md", FILE, true),
        row(List.of("*", "!*.txt"), "a.txt", FILE, false),
        row(List.of("*", "!*.txt"), "d", DIR, true),
        row(List.of("*", "!*.txt"), "d/a.txt", FILE, true),
        row(List.of("*.log", "!keep.log"), "a.log", FILE, true),
        row(List.of("*.log", "!keep.log"), "keep.log", FILE, false),
        row(List.of("*.log", "!keep.log"), "d/keep.log", FILE, false),
        row(List.of("*.log", "!keep.log"), "d/a.log", FILE, true),
        row(List.of("build/", "!build/keep"), "build", DIR, true),
        row(List.of("build/", "!build/keep"), "build/keep", FILE, true),
        row(List.of("build/", "!build/keep"), "build/x", FILE, true),
        row(List.of("build/*", "!build/keep"), "build", DIR, false),
        row(List.of("build/*", "!build/keep"), "build/keep", FILE, false),
        row(List.of("build/*", "!build/keep"), "build/x", FILE, true),
        row(List.of("?.c"), "a.c", FILE, true),
        row(List.of("?.c"), "ab.c", FILE, false),
        row(List.of("?.c"), "d/x.c", FILE, true),
        row(List.of("[abc].c"), "a.c", FILE, true),
        row(List.of("[abc].c"), "d.c", FILE, false),
        row(List.of("[abc].c"), "b.c", FILE, true),
        row(List.of("[a-c]x"), "ax", FILE, true),
        row(List.of("[a-c]x"), "bx", FILE, true),
        row(List.of("[a-c]x"), "dx", FILE, false),
        row(List.of("[a-c]x"), "-x", FILE, false),
        row(List.of("[!a-c]x"), "ax", FILE, false),
        row(List.of("[!a-c]x"), "dx", FILE, true),
        row(List.of("[!a-c]x"), "-x", FILE, true),
        row(List.of("[^a-c]x"), "ax", FILE, false),
        row(List.of("[^a-c]x"), "dx", FILE, true),
        row(List.of("[]]x"), "]x", FILE, true),
        row(List.of("[]]x"), "ax", FILE, false),
        row(List.of("[a-]x"), "ax", FILE, true),
        row(List.of("[a-]x"), "-x", FILE, true),
        row(List.of("[a-]x"), "bx", FILE, false),
        row(List.of("[[:digit:]]*"), "1a", FILE, true),
        row(List.of("[[:digit:]]*"), "a1", FILE, false),
        row(List.of("[[:upper:]]*"), "Abc", FILE, true),
        row(List.of("[[:upper:]]*"), "abc", FILE, false),
        row(List.of("\\*"), "*", FILE, true),
        row(List.of("\\*"), "a", FILE, false),
        row(List.of("\\!x"), "!x", FILE, true),
        row(List.of("\\!x"), "x", FILE, false),
        row(List.of("\\#x"), "#x", FILE, true),
        row(List.of("\\#x"), "x", FILE, false),
        row(List.of("a\\[b"), "a[b", FILE, true),
        row(List.of("a\\[b"), "ab", FILE, false),
        row(List.of("*.TXT"), "a.txt", FILE, false),
        row(List.of("*.TXT"), "a.TXT", FILE, true),
        row(List.of("d/*"), "d/a", FILE, true),
        row(List.of("d/*"), "d/a/b", FILE, true),
        row(List.of("d/*"), "d", DIR, false),
        row(List.of("d/*"), "x/d/a", FILE, false),
        row(List.of("d/?"), "d/a", FILE, true),
        row(List.of("d/?"), "d/ab", FILE, false),
        row(List.of("/*.c"), "a.c", FILE, true),
        row(List.of("/*.c"), "d/a.c", FILE, false),
        row(List.of("a/*/c"), "a/b/c", FILE, true),
        row(List.of("a/*/c"), "a/b/x/c", FILE, false),
        row(List.of("a/*/c"), "a/c", FILE, false),
        row(List.of("*/c"), "a/c", FILE, true),
        row(List.of("*/c"), "c", FILE, false),
        row(List.of("*/c"), "x/a/c", FILE, false),
        row(List.of("b c"), "b c", FILE, true),
        row(List.of("b c"), "a/b c", DIR, true),
        row(List.of("b c"), "a/b c/d.txt", FILE, true),
        row(List.of("\u00e9"), "\u00e9", FILE, true),
        row(List.of("\u00e9"), "e\u0301", FILE, false),
        row(List.of("e\u0301"), "\u00e9", FILE, false),
        row(List.of("e\u0301"), "e\u0301", FILE, true),
        row(List.of("*.txt", "!a.txt", "a.txt"), "a.txt", FILE, true),
        row(List.of("*.txt", "!a.txt", "a.txt"), "b.txt", FILE, true),
        row(List.of("x", "!x/"), "x", FILE, true),
        row(List.of("x", "!x/"), "x", DIR, false),
        row(List.of("x/", "!x"), "x", DIR, false),
        row(List.of("x/", "!x"), "x", FILE, false),
        row(List.of("a/**/"), "a/b", DIR, true),
        row(List.of("a/**/"), "a/b", FILE, false),
        row(List.of("a/**/"), "a", DIR, false),
        row(List.of("a/**/"), "a/b/c", FILE, true),
        row(List.of("**/"), "a", DIR, true),
        row(List.of("**/"), "a", FILE, false),
        row(List.of("**/"), "a/b", FILE, true),
        row(List.of("*/"), "a", DIR, true),
        row(List.of("*/"), "a", FILE, false),
        row(List.of("*/"), "a/b", DIR, true),
        row(List.of("a/b/"), "a/b", DIR, true),
        row(List.of("a/b/"), "a/b", FILE, false),
        row(List.of("a/b/"), "x/a/b", DIR, false),
        row(List.of("foo**"), "foo", FILE, true),
        row(List.of("foo**"), "foobar", FILE, true),
        row(List.of("foo**"), "foo/bar", FILE, true),
        row(List.of("**foo"), "foo", FILE, true),
        row(List.of("**foo"), "xfoo", FILE, true),
        row(List.of("**foo"), "a/xfoo", FILE, true),
        row(List.of("x/**foo"), "x/foo", FILE, true),
        row(List.of("x/**foo"), "x/afoo", FILE, true),
        row(List.of("x/**foo"), "x/a/foo", FILE, false),
        row(List.of("***/foo"), "foo", FILE, true),
        row(List.of("***/foo"), "a/foo", FILE, true),
        row(List.of("a/***"), "a/b", FILE, true),
        row(List.of("a/***"), "a/b/c", FILE, true),
        row(List.of("[.-0]"), "-", FILE, false),
        row(List.of("[.-0]"), "0", FILE, true),
        row(List.of("[.-0]"), "x/0", FILE, true),
        row(List.of("[.-0]"), "1", FILE, false),
        row(List.of("*"), "a", FILE, true),
        row(List.of("*"), "a/b", FILE, true),
        row(List.of("*"), ".hidden", FILE, true),
        row(List.of("*"), "d", DIR, true),
        row(List.of("a?b"), "a/b", FILE, false),
        row(List.of("a?b"), "axb", FILE, true),
        row(List.of("a[/]b"), "a/b", FILE, false),
        row(List.of("a[/]b"), "axb", FILE, false),
        row(List.of("b*/c"), "b/c", FILE, true),
        row(List.of("b*/c"), "bx/c", FILE, true),
        row(List.of("b*/c"), "a/bx/c", FILE, false),
        row(List.of("b*/c"), "bx/y/c", FILE, false),
        row(List.of("**/a*"), "a", FILE, true),
        row(List.of("**/a*"), "x/ab", FILE, true),
        row(List.of("**/a*"), "x/y/ba", FILE, false),
        row(List.of("a/*"), "a/b", FILE, true),
        row(List.of("a/*"), "a/b/c", FILE, true),
        row(List.of("a/*"), "x/a/b", FILE, false),
        row(List.of("*.c/"), "x.c", DIR, true),
        row(List.of("*.c/"), "x.c", FILE, false),
        row(List.of("*.c/"), "y/x.c", DIR, true),
        row(List.of("a/**/*.txt"), "a/x.txt", FILE, true),
        row(List.of("a/**/*.txt"), "a/b/c/x.txt", FILE, true),
        row(List.of("a/**/*.txt"), "x.txt", FILE, false),
        row(List.of("a/**/*.txt"), "a/x.txt/y", FILE, true),
        row(List.of("**/b/**"), "b/x", FILE, true),
        row(List.of("**/b/**"), "a/b/x/y", FILE, true),
        row(List.of("**/b/**"), "b", DIR, false),
        row(List.of("**/b/**"), "a/b", DIR, false),
        row(List.of("x*y*z"), "xyz", FILE, true),
        row(List.of("x*y*z"), "xaybz", FILE, true),
        row(List.of("x*y*z"), "xa/ybz", FILE, false),
        row(List.of("x*y*z"), "d/x1y2z", FILE, true),
        row(List.of("a]b"), "a]b", FILE, true),
        row(List.of("a]b"), "ab", FILE, false),
        row(List.of("*]"), "x]", FILE, true),
        row(List.of("*]"), "x", FILE, false),
        row(List.of("/a/b*"), "a/bc", FILE, true),
        row(List.of("/a/b*"), "a/b/c", FILE, true),
        row(List.of("/a/b*"), "x/a/bc", FILE, false));
  }

  @ParameterizedTest(name = "{0} on {1} (dir={2}) -> {3}")
  @MethodSource("gitCheckIgnoreTable")
  void matchesLikeGitCheckIgnore(List<String> patterns, String path, boolean dir, boolean excluded) {
    assertEquals(excluded, ExcludeRules.of(patterns).isExcludedOrUnder(path, dir));
  }

  @Test
  void isExcludedJudgesThePathAloneWhileTheWalkerPrunesExcludedDirectories() {
    ExcludeRules rules = ExcludeRules.of(List.of("build/", "!build/keep"));

    assertTrue(rules.isExcluded("build", DIR));
    assertFalse(rules.isExcluded("build/keep", FILE));
    assertTrue(rules.isExcludedOrUnder("build/keep", FILE));
  }

  @Test
  void fileInsideExcludedDirectoryCanBeKeptByExcludingTheContentsInstead() {
    ExcludeRules rules = ExcludeRules.of(List.of("build/*", "!build/keep"));

    assertFalse(rules.isExcludedOrUnder("build", DIR));
    assertFalse(rules.isExcludedOrUnder("build/keep", FILE));
    assertTrue(rules.isExcludedOrUnder("build/other", FILE));
  }

  @Test
  void lastMatchingPatternWins() {
    ExcludeRules rules = ExcludeRules.of(List.of("*.log", "!important.log", "*.log"));

    assertTrue(rules.isExcluded("important.log", FILE));
    assertTrue(ExcludeRules.of(List.of("*.log", "!important.log")).isExcluded("a.log", FILE));
    assertFalse(ExcludeRules.of(List.of("*.log", "!important.log")).isExcluded("important.log", FILE));
  }

  @Test
  void reIncludeWithoutEarlierExcludeChangesNothing() {
    ExcludeRules rules = ExcludeRules.of(List.of("!a.txt"));

    assertFalse(rules.isExcluded("a.txt", FILE));
    assertFalse(rules.isExcluded("b.txt", FILE));
  }

  @Test
  void noneExcludesNothingAndIsEmpty() {
    assertTrue(ExcludeRules.none().isEmpty());
    assertTrue(ExcludeRules.of(List.of()).isEmpty());
    assertFalse(ExcludeRules.none().isExcluded("a", FILE));
    assertFalse(ExcludeRules.none().isExcludedOrUnder("a/b", DIR));
    assertFalse(ExcludeRules.of(List.of("a")).isEmpty());
  }

  @Test
  void rootItselfIsNeverExcluded() {
    assertFalse(ExcludeRules.of(List.of("*", "**")).isExcluded("", DIR));
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "a.b => a.b => true",
        "a.b => axb => false",
        "a.b* => a.bc => true",
        "a.b* => axbc => false",
        "a+(b) => a+(b) => true",
        "a+(b)* => a+(b)x => true",
        "a+(b)* => aab => false",
        "$x^{1}| => $x^{1}| => true",
        "*$x^{1}| => z$x^{1}| => true",
        "*$x^{1}| => z$x^{1} => false",
        "'a b' => 'a b' => true",
        "'* b' => 'a b' => true",
        "'* b' => ab => false",
        "%20* => %20x => true",
        "&=+# => &=+# => true",
        "\\Qx* => \\Qx\\E => false",
        "\\\\Qx* => \\Qxy => true",
        "x\\E* => xEa => true",
        "'[{]' => '{' => true",
        "[[] => [ => true",
        "[\\]] => ] => true",
        "[a\\-z] => - => true",
        "[a\\-z] => b => false",
        "[&&] => & => true",
        "[\\^] => ^ => true",
        "[!!] => a => true",
        "[!!] => ! => false",
      })
  void regexMetacharactersInPatternsAreLiteral(String pattern, String path, boolean excluded) {
    assertEquals(excluded, ExcludeRules.of(List.of(pattern)).isExcluded(path, FILE));
  }

  @Test
  void unicodeNamesMatchLiterallyWithoutNormalisation() {
    String nfc = "caf\u00e9.txt";
    String nfd = "cafe\u0301.txt";

    assertTrue(ExcludeRules.of(List.of(nfc)).isExcluded(nfc, FILE));
    assertFalse(ExcludeRules.of(List.of(nfc)).isExcluded(nfd, FILE));
    assertTrue(ExcludeRules.of(List.of(nfd)).isExcluded(nfd, FILE));
    assertFalse(ExcludeRules.of(List.of(nfd)).isExcluded(nfc, FILE));
    assertTrue(ExcludeRules.of(List.of("caf?.txt")).isExcluded(nfc, FILE));
    assertFalse(ExcludeRules.of(List.of("caf?.txt")).isExcluded(nfd, FILE));
    assertTrue(ExcludeRules.of(List.of("caf??.txt")).isExcluded(nfd, FILE));
    assertTrue(ExcludeRules.of(List.of("[\u00e9]*")).isExcluded("\u00e9t\u00e9", FILE));
    assertTrue(ExcludeRules.of(List.of("\u65e5\u672c/*")).isExcluded("\u65e5\u672c/\u8a9e", FILE));
  }

  @Test
  void questionMarkMatchesOneCodePointOutsideTheBasicPlane() {
    ExcludeRules rules = ExcludeRules.of(List.of("?.png"));

    assertTrue(rules.isExcluded("\ud83d\ude00.png", FILE));
    assertTrue(ExcludeRules.of(List.of("[\ud83d\ude00]")).isExcluded("\ud83d\ude00", FILE));
    assertFalse(ExcludeRules.of(List.of("[\ud83d\ude00]")).isExcluded("\ud83d", FILE));
  }

  @Test
  void wildcardsMatchNamesContainingNewlines() {
    assertTrue(ExcludeRules.of(List.of("a*b")).isExcluded("a\nb", FILE));
    assertTrue(ExcludeRules.of(List.of("a?b")).isExcluded("a\nb", FILE));
    assertTrue(ExcludeRules.of(List.of("x/**")).isExcluded("x/a\n/b", FILE));
  }

  @Test
  void matchingIsCaseSensitive() {
    ExcludeRules rules = ExcludeRules.of(List.of("*.JPG", "Thumbs.db"));

    assertTrue(rules.isExcluded("a.JPG", FILE));
    assertFalse(rules.isExcluded("a.jpg", FILE));
    assertFalse(rules.isExcluded("thumbs.db", FILE));
  }

  @Test
  void backslashInPathIsAnOrdinaryCharacter() {
    assertTrue(ExcludeRules.of(List.of("a\\\\b")).isExcluded("a\\b", FILE));
    assertTrue(ExcludeRules.of(List.of("*\\\\*")).isExcluded("dir/a\\b", FILE));
  }

  @Test
  void posixCharacterClassesAreAscii() {
    ExcludeRules rules = ExcludeRules.of(List.of("[[:alpha:]][[:digit:]][[:space:]][[:punct:]]"));

    assertTrue(rules.isExcluded("a1 .", FILE));
    assertFalse(rules.isExcluded("\u00e91 .", FILE));
    assertTrue(ExcludeRules.of(List.of("[![:alnum:]]")).isExcluded("-", FILE));
    assertFalse(ExcludeRules.of(List.of("[![:alnum:]]")).isExcluded("x", FILE));
    assertTrue(ExcludeRules.of(List.of("[[:xdigit:]_]")).isExcluded("_", FILE));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "foo[",
        "[a",
        "[!",
        "[]",
        "a[b/c",
        "[[:alpha:",
        "[[:bogus:]]",
        "[z-a]",
        "foo\\",
        "[a\\",
        "",
        "!",
        "/",
        "!/",
        "a//b",
      })
  void invalidPatternIsRejectedWithOneLineMessageNamingIt(String pattern) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExcludeRules.of(List.of("ok", pattern)));

    assertTrue(
        e.getMessage().startsWith("invalid exclude pattern \"" + pattern + "\": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void messageForPatternWithControlCharacterStaysOnOneLine() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExcludeRules.of(List.of("a\n[")));

    assertEquals(
        "invalid exclude pattern \"a\\u000a[\": '[' is not closed; close the class with ']'"
            + " or write '\\[' for a literal '['",
        e.getMessage());
  }

  @Test
  void readPatternFileSkipsCommentsAndBlankLinesAndTrimsTrailingSpaces() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/excludes");
      String text =
          "\uFEFF# comment\r\n"
              + "\r\n"
              + "*.tmp   \r\n"
              + "   \n"
              + "\\#literal\n"
              + " # not a comment\n"
              + "trailing\\ \n"
              + "two\\  \n"
              + "!keep.tmp\n"
              + "build/\n"
              + "last";
      Files.writeString(file, text, StandardCharsets.UTF_8);

      List<String> patterns = ExcludeRules.readPatternFile(file);

      assertEquals(
          List.of(
              "*.tmp",
              "\\#literal",
              " # not a comment",
              "trailing\\ ",
              "two\\ ",
              "!keep.tmp",
              "build/",
              "last"),
          patterns);
      ExcludeRules rules = ExcludeRules.of(patterns);
      assertTrue(rules.isExcluded("a.tmp", FILE));
      assertFalse(rules.isExcluded("keep.tmp", FILE));
      assertTrue(rules.isExcluded("#literal", FILE));
      assertTrue(rules.isExcluded("d/ # not a comment", FILE));
      assertTrue(rules.isExcluded("trailing ", FILE));
      assertFalse(rules.isExcluded("trailing", FILE));
      assertTrue(rules.isExcluded("two ", FILE));
      assertTrue(rules.isExcluded("build", DIR));
      assertFalse(rules.isExcluded("build", FILE));
    }
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"a  \"        | a",
        "a              | a",
        "\"a\\ \"       | \"a\\ \"",
        "\"a\\  \"      | \"a\\ \"",
        "\"a\\\\ \"     | a\\\\",
        "\"a \\ \"      | \"a \\ \"",
        "\"   \"        | \"\"",
        "\"\\\"         | \"\\\"",
      })
  void trailingSpacesAreTrimmedUnlessEscaped(String line, String expected) {
    assertEquals(expected == null ? "" : expected, ExcludeRules.trimTrailingSpaces(line));
  }

  @Test
  void readPatternFileRejectsInvalidUtf8() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/excludes");
      Files.write(file, new byte[] {'a', (byte) 0xff, '\n'});

      IOException e = assertThrows(IOException.class, () -> ExcludeRules.readPatternFile(file));

      assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }
  }

  @Test
  void readPatternFileReportsMissingFile() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      assertThrows(NoSuchFileException.class, () -> ExcludeRules.readPatternFile(fs.getPath("/nope")));
    }
  }

  @Test
  void readPatternFileKeepsUnicodePatterns() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = fs.getPath("/excludes");
      Files.writeString(file, "caf\u00e9/\n\u65e5\u672c*\n", StandardCharsets.UTF_8);

      ExcludeRules rules = ExcludeRules.of(ExcludeRules.readPatternFile(file));

      assertTrue(rules.isExcluded("x/caf\u00e9", DIR));
      assertTrue(rules.isExcluded("\u65e5\u672c\u8a9e.txt", FILE));
    }
  }

  @Test
  void manyRulesOverManyPathsStayFast() {
    List<String> patterns = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      patterns.add("*.ext" + i);
      patterns.add("dir" + i + "/");
      patterns.add("/anchored" + i + "/**/x?.[ch]");
    }
    ExcludeRules rules = ExcludeRules.of(patterns);
    long start = System.nanoTime();
    int excluded = 0;
    for (int i = 0; i < 100_000; i++) {
      if (rules.isExcluded("some/deep/path/file" + i + ".ext" + (i % 100), FILE)) {
        excluded++;
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(50_000, excluded);
    assertTrue(millis < 10_000, "took " + millis + " ms");
  }
}
