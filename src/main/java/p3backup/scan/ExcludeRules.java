package p3backup.scan;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Gitignore-style exclude patterns, matched against slash paths relative to the backup root
 * (for example {@code a/b c/d.txt}, no leading slash).
 *
 * <p>Semantics follow gitignore:
 *
 * <ul>
 *   <li>A pattern with no slash, other than a trailing one, matches a name at any depth
 *       ({@code *.tmp}, {@code node_modules/}). A pattern with a leading or middle slash is
 *       anchored to the root ({@code /build}, {@code docs/*.pdf}).
 *   <li>A trailing {@code /} matches directories only.
 *   <li>{@code *} matches any run of characters and {@code ?} any one character, neither
 *       crossing {@code /}; {@code [...]} is a character class with ranges, {@code !} or
 *       {@code ^} negation and POSIX classes such as {@code [[:digit:]]}; a class never
 *       matches {@code /}.
 *   <li>{@code **}: {@code **}{@code /foo} matches {@code foo} anywhere, {@code foo/**} everything
 *       inside {@code foo} (not {@code foo} itself), {@code a/**}{@code /b} matches {@code a/b},
 *       {@code a/x/b}, {@code a/x/y/b}. Other runs of stars act as one {@code *}.
 *   <li>{@code !pattern} re-includes what an earlier pattern excluded; the last matching
 *       pattern wins. A backslash makes the next character literal ({@code \!}, {@code \#},
 *       {@code \*}, {@code \ }).
 * </ul>
 *
 * <p>Matching is case-sensitive and literal: names are not Unicode-normalised, so an NFC
 * {@code é} and an NFD {@code é} are different names; {@code ?} matches one code point.
 *
 * <p>The walker prunes: when a directory is excluded it does not descend into it, so, as in
 * git, a file inside an excluded directory cannot be re-included by a later {@code !pattern}
 * (write {@code dir/*} plus {@code !dir/keep} instead of {@code dir/}). {@link #isExcluded}
 * judges one path on its own; {@link #isExcludedOrUnder} also applies the pruning.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ExcludeRules {
  private static final ExcludeRules NONE = new ExcludeRules(new Rule[0]);

  private static final Map<String, String> POSIX_CLASSES =
      Map.ofEntries(
          Map.entry("alnum", "\\p{Alnum}"),
          Map.entry("alpha", "\\p{Alpha}"),
          Map.entry("blank", "\\p{Blank}"),
          Map.entry("cntrl", "\\p{Cntrl}"),
          Map.entry("digit", "\\p{Digit}"),
          Map.entry("graph", "\\p{Graph}"),
          Map.entry("lower", "\\p{Lower}"),
          Map.entry("print", "\\p{Print}"),
          Map.entry("punct", "\\p{Punct}"),
          Map.entry("space", "\\p{Space}"),
          Map.entry("upper", "\\p{Upper}"),
          Map.entry("xdigit", "\\p{XDigit}"));

  private final Rule[] rules;

  private ExcludeRules(Rule[] rules) {
    this.rules = rules;
  }

  /**
   * Compiles patterns, in order, as given on the command line: no comment or blank-line
   * handling and no trimming (see {@link #readPatternFile} for the file syntax).
   *
   * @throws IllegalArgumentException naming the first invalid pattern, on one line
   */
  public static ExcludeRules of(List<String> patterns) {
    if (patterns.isEmpty()) {
      return NONE;
    }
    Rule[] rules = new Rule[patterns.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = Rule.compile(patterns.get(i));
    }
    return new ExcludeRules(rules);
  }

  /** Rules that exclude nothing. */
  public static ExcludeRules none() {
    return NONE;
  }

  /**
   * Reads patterns from a UTF-8 file in gitignore syntax: blank lines and lines starting with
   * {@code #} are skipped ({@code \#} starts a pattern with a literal {@code #}), trailing
   * spaces are trimmed unless escaped with a backslash, LF and CRLF line ends are accepted, and
   * a leading byte-order mark is ignored. The returned lines keep their backslash escapes; pass
   * them to {@link #of}.
   *
   * @throws IOException if the file cannot be read or is not valid UTF-8
   */
  public static List<String> readPatternFile(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IOException(file + " is not valid UTF-8 text: save it as UTF-8", e);
    }
    List<String> patterns = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.startsWith("#")) {
        continue;
      }
      line = trimTrailingSpaces(line);
      if (!line.isEmpty()) {
        patterns.add(line);
      }
    }
    return patterns;
  }

  /** True when there are no patterns. */
  public boolean isEmpty() {
    return rules.length == 0;
  }

  /**
   * Whether the last pattern matching this path excludes it (false if none matches). Looks at
   * the path alone; the caller does not descend into an excluded directory.
   *
   * @param relPath slash path relative to the root, no leading or trailing slash
   * @param isDirectory whether the path is a directory (for patterns ending in {@code /})
   */
  public boolean isExcluded(String relPath, boolean isDirectory) {
    if (rules.length == 0 || relPath.isEmpty()) {
      return false;
    }
    String name = relPath.substring(relPath.lastIndexOf('/') + 1);
    for (int i = rules.length - 1; i >= 0; i--) {
      Rule rule = rules[i];
      if (rule.matches(relPath, name, isDirectory)) {
        return !rule.negated();
      }
    }
    return false;
  }

  /**
   * Whether a pruning walker would leave this path out: the path is excluded, or one of its
   * parent directories is.
   */
  public boolean isExcludedOrUnder(String relPath, boolean isDirectory) {
    if (rules.length == 0) {
      return false;
    }
    for (int slash = relPath.indexOf('/'); slash >= 0; slash = relPath.indexOf('/', slash + 1)) {
      if (isExcluded(relPath.substring(0, slash), true)) {
        return true;
      }
    }
    return isExcluded(relPath, isDirectory);
  }

  @Override
  public String toString() {
    List<String> sources = new ArrayList<>(rules.length);
    for (Rule rule : rules) {
      sources.add(rule.source());
    }
    return "ExcludeRules" + sources;
  }

  /** Removes trailing spaces that are not escaped by a backslash. */
  static String trimTrailingSpaces(String line) {
    int keep = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        i++;
        keep = i + 1;
      } else if (c != ' ') {
        keep = i + 1;
      }
    }
    return line.substring(0, keep);
  }

  /** One compiled pattern. */
  private record Rule(
      String source,
      boolean negated,
      boolean directoryOnly,
      boolean nameOnly,
      Predicate<String> matcher) {

    boolean matches(String relPath, String name, boolean isDirectory) {
      if (directoryOnly && !isDirectory) {
        return false;
      }
      return matcher.test(nameOnly ? name : relPath);
    }

    static Rule compile(String source) {
      String body = source;
      boolean negated = body.startsWith("!");
      if (negated) {
        body = body.substring(1);
      }
      boolean directoryOnly = false;
      while (body.endsWith("/") && !endsWithEscape(body, body.length() - 1)) {
        body = body.substring(0, body.length() - 1);
        directoryOnly = true;
      }
      boolean anchored = body.startsWith("/");
      if (anchored) {
        body = body.substring(1);
      }
      if (body.isEmpty()) {
        throw invalid(source, "it matches nothing; name a file or directory, e.g. \"build/\"");
      }
      if (body.contains("//")) {
        throw invalid(source, "it has an empty path segment; remove the doubled '/'");
      }
      boolean nameOnly = !anchored && body.indexOf('/') < 0;
      return new Rule(source, negated, directoryOnly, nameOnly, matcher(source, body));
    }

    /**
     * A predicate for the whole glob. Literal text before the first and after the last wildcard
     * is checked with startsWith/endsWith first; a single {@code *} between them needs no regex.
     */
    private static Predicate<String> matcher(String source, String body) {
      int first = indexOfSpecial(body);
      if (first < 0) {
        return body::equals;
      }
      int last = lastIndexOfSpecial(body);
      String head = body.substring(0, first);
      String tail = body.substring(last + 1);
      if (last > 0 && body.charAt(last - 1) == '*' && tail.startsWith("/")) {
        tail = tail.substring(1); // "**/" may match nothing, slash included
      }
      String before = head;
      String after = tail;
      int fixed = head.length() + tail.length();
      if (first == last && body.charAt(first) == '*') {
        return s -> s.length() >= fixed && s.startsWith(before) && s.endsWith(after)
            && noSlashBetween(s, before.length(), s.length() - after.length());
      }
      Predicate<String> regex;
      try {
        regex = Pattern.compile(new Translator(source, body).translate(), Pattern.DOTALL)
            .asMatchPredicate();
      } catch (PatternSyntaxException e) {
        throw invalid(source, "it cannot be compiled (" + e.getDescription() + ")");
      }
      return s -> s.length() >= fixed && s.startsWith(before) && s.endsWith(after)
          && regex.test(s);
    }

    /** Whether the character at {@code index} is escaped by an odd run of backslashes. */
    private static boolean endsWithEscape(String s, int index) {
      int backslashes = 0;
      for (int i = index - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      return backslashes % 2 == 1;
    }

    private static boolean noSlashBetween(String s, int from, int to) {
      int slash = s.indexOf('/', from);
      return slash < 0 || slash >= to;
    }

    private static boolean isSpecial(char c) {
      return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
    }

    private static int indexOfSpecial(String body) {
      for (int i = 0; i < body.length(); i++) {
        if (isSpecial(body.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private static int lastIndexOfSpecial(String body) {
      for (int i = body.length() - 1; i >= 0; i--) {
        if (isSpecial(body.charAt(i))) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Translates one glob body (no leading '!' or '/', no trailing '/') to a regex. */
  private static final class Translator {
    private final String source;
    private final String glob;
    private final StringBuilder regex = new StringBuilder();
    private int pos;

    Translator(String source, String glob) {
      this.source = source;
      this.glob = glob;
    }

    String translate() {
      boolean afterSlash = true;
      while (pos < glob.length()) {
        int c = glob.codePointAt(pos);
        pos += Character.charCount(c);
        switch (c) {
          case '\\' -> literal(escaped("the pattern ends with a lone backslash; "
              + "write '\\\\' for a backslash"));
          case '?' -> regex.append("[^/]");
          case '[' -> characterClass();
          case '*' -> {
            int stars = 1;
            while (pos < glob.length() && glob.charAt(pos) == '*') {
              pos++;
              stars++;
            }
            boolean atEnd = pos == glob.length();
            if (stars >= 2 && afterSlash && atEnd) {
              regex.append(".*");
            } else if (stars >= 2 && afterSlash && glob.charAt(pos) == '/') {
              pos++;
              regex.append("(?:.*/)?");
              afterSlash = true;
              continue;
            } else {
              regex.append("[^/]*");
            }
          }
          case '/' -> {
            regex.append('/');
            afterSlash = true;
            continue;
          }
          default -> literal(c);
        }
        afterSlash = false;
      }
      return regex.toString();
    }

    private void literal(int c) {
      if (c < 128 && Character.isLetterOrDigit(c)) {
        regex.append((char) c);
      } else {
        appendHex(regex, c);
      }
    }

    /** Reads the code point after a backslash. */
    private int escaped(String whatIfMissing) {
      if (pos >= glob.length()) {
        throw invalid(source, whatIfMissing);
      }
      int c = glob.codePointAt(pos);
      pos += Character.charCount(c);
      return c;
    }

    private void characterClass() {
      String unclosed = "'[' is not closed; close the class with ']' or write '\\[' for a literal '['";
      StringBuilder items = new StringBuilder();
      boolean negated = false;
      if (pos < glob.length() && (glob.charAt(pos) == '!' || glob.charAt(pos) == '^')) {
        negated = true;
        pos++;
      }
      boolean first = true;
      while (true) {
        if (pos >= glob.length()) {
          throw invalid(source, unclosed);
        }
        int c = glob.codePointAt(pos);
        if (c == ']' && !first) {
          pos++;
          break;
        }
        first = false;
        pos += Character.charCount(c);
        if (c == '[' && pos < glob.length() && glob.charAt(pos) == ':') {
          int end = glob.indexOf(":]", pos + 1);
          if (end < 0) {
            throw invalid(source, unclosed);
          }
          String name = glob.substring(pos + 1, end);
          String posix = POSIX_CLASSES.get(name);
          if (posix == null) {
            throw invalid(source, "unknown character class [:" + name + ":]; use one of "
                + String.join(", ", new TreeSet<>(POSIX_CLASSES.keySet())));
          }
          items.append(posix);
          pos = end + 2;
          continue;
        }
        if (c == '\\') {
          c = escaped(unclosed);
        }
        if (pos + 1 < glob.length() && glob.charAt(pos) == '-' && glob.charAt(pos + 1) != ']') {
          pos++;
          int to = glob.codePointAt(pos);
          pos += Character.charCount(to);
          if (to == '\\') {
            to = escaped(unclosed);
          }
          if (to < c) {
            throw invalid(source, "the range " + new String(Character.toChars(c)) + "-"
                + new String(Character.toChars(to)) + " is reversed; write the lower end first");
          }
          appendHex(items, c);
          items.append('-');
          appendHex(items, to);
        } else {
          appendHex(items, c);
        }
      }
      if (negated) {
        regex.append("[^/").append(items).append(']');
      } else {
        regex.append('[').append(items).append("&&[^/]]");
      }
    }

    private static void appendHex(StringBuilder sb, int c) {
      sb.append("\\x{").append(Integer.toHexString(c)).append('}');
    }
  }

  private static IllegalArgumentException invalid(String pattern, String why) {
    return new IllegalArgumentException("invalid exclude pattern " + quote(pattern) + ": " + why);
  }

  /** Quotes a pattern for a one-line message, escaping control characters. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
