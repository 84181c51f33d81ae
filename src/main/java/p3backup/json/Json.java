package p3backup.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads JSON (RFC 8259) into plain Java values, without reflection, and reads typed members
 * out of the resulting maps.
 *
 * <p>Values map as follows: object → {@code Map<String, Object>} (a {@link LinkedHashMap} in
 * document order), array → {@code List<Object>}, string → {@link String}, integer that fits in
 * a {@code long} → {@link Long}, any other number → {@link BigDecimal} (exact), true/false →
 * {@link Boolean}, {@code null} → Java {@code null} (use {@link Map#containsKey} to tell a null
 * member from a missing one).
 *
 * <p>The parser is strict: no comments, trailing commas, single quotes, leading zeros, raw
 * control characters in strings or duplicate member names. Escaped lone surrogates
 * ({@code "\ud800"}) are accepted, so anything {@link JsonWriter} writes reads back.
 */
public final class Json {
  private static final int MAX_DEPTH = 512;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value; surrounding whitespace is allowed, anything else after it is not.
   *
   * @throws JsonException naming the line and column of the first error
   */
  public static Object parse(String text) {
    Json parser = new Json(text);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected " + parser.describeCurrent() + " after the value");
    }
    return value;
  }

  /**
   * Parses a JSON object.
   *
   * @throws JsonException if the text is malformed or not an object
   */
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (value instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) value;
      return map;
    }
    throw new JsonException("expected a JSON object, found " + typeName(value));
  }

  /** A required string member. @throws JsonException if missing, null or not a string */
  public static String string(Map<String, Object> m, String key) {
    Object v = required(m, key);
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(key, "a string", v);
  }

  /** An optional string member; empty if missing or null. @throws JsonException if not a string */
  public static Optional<String> optString(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? Optional.empty() : Optional.of(string(m, key));
  }

  /**
   * A required integer member. Accepts any number with an integral value in {@code long} range
   * ({@code 5}, {@code 5.0}, {@code 5e0}).
   *
   * @throws JsonException if missing, null, not a number, fractional or out of range
   */
  public static long number(Map<String, Object> m, String key) {
    Object v = required(m, key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        throw new JsonException("member \"" + key + "\" is " + d + ", expected an integer"
            + " between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
      }
    }
    throw wrongType(key, "a number", v);
  }

  /** An optional integer member; empty if missing or null. @throws JsonException as {@link #number} */
  public static OptionalLong optNumber(Map<String, Object> m, String key) {
    return m.get(key) == null ? OptionalLong.empty() : OptionalLong.of(number(m, key));
  }

  /** A required boolean member. @throws JsonException if missing, null or not a boolean */
  public static boolean bool(Map<String, Object> m, String key) {
    Object v = required(m, key);
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, "true or false", v);
  }

  /** An optional boolean member; empty if missing or null. @throws JsonException if not a boolean */
  public static Optional<Boolean> optBool(Map<String, Object> m, String key) {
    return m.get(key) == null ? Optional.empty() : Optional.of(bool(m, key));
  }

  /** A required object member. @throws JsonException if missing, null or not an object */
  public static Map<String, Object> object(Map<String, Object> m, String key) {
    Object v = required(m, key);
    if (v instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) v;
      return map;
    }
    throw wrongType(key, "an object", v);
  }

  /** A required array member. @throws JsonException if missing, null or not an array */
  public static List<Object> array(Map<String, Object> m, String key) {
    Object v = required(m, key);
    if (v instanceof List<?>) {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) v;
      return list;
    }
    throw wrongType(key, "an array", v);
  }

  private static Object required(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      throw new JsonException(m.containsKey(key)
          ? "member \"" + key + "\" is null"
          : "member \"" + key + "\" is missing");
    }
    return v;
  }

  private static JsonException wrongType(String key, String expected, Object v) {
    return new JsonException("member \"" + key + "\" is " + typeName(v) + ", expected " + expected);
  }

  private static String typeName(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof Map) {
      return "an object";
    } else if (v instanceof List) {
      return "an array";
    } else {
      return "a number";
    }
  }

  // ---- parser ----

  private Object value(int depth) {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected " + describeCurrent() + ", expected a value");
    }
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      if (peek() != '"') {
        throw error("unexpected " + describeCurrent() + ", expected a member name in quotes");
      }
      int keyStart = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = value(depth);
      if (map.containsKey(key)) {
        throw error("duplicate member name \"" + key + "\"", keyStart);
      }
      map.put(key, value);
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("unexpected " + describeCurrent() + ", expected ',' or '}'");
      }
      skipWhitespace();
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    pos++;
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(depth));
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("unexpected " + describeCurrent() + ", expected ',' or ']'");
      }
      skipWhitespace();
    }
  }

  private String string() {
    int start = ++pos;
    int n = text.length();
    // Fast path: no escapes.
    for (int i = start; i < n; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        pos = i + 1;
        return text.substring(start, i);
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
    }
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= n) {
        throw error("unexpected end of input inside a string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character U+" + hex4(c) + " inside a string; write it as an escape");
      }
      if (c != '\\') {
        sb.append(c);
        pos++;
        continue;
      }
      if (pos + 1 >= n) {
        throw error("unexpected end of input inside a string");
      }
      char e = text.charAt(pos + 1);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append(unicodeEscape(pos + 2));
          pos += 4;
        }
        default -> throw error("invalid escape '\\" + printable(e) + "' inside a string");
      }
      pos += 2;
    }
  }

  private char unicodeEscape(int at) {
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      if (i >= text.length()) {
        throw error("unexpected end of input inside a \\u escape", i);
      }
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0 || text.charAt(i) > 'f') {
        throw error("invalid \\u escape: expected 4 hex digits", i);
      }
      value = value * 16 + d;
    }
    return (char) value;
  }

  private Object number() {
    int start = pos;
    int n = text.length();
    if (text.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= n || !isDigit(text.charAt(pos))) {
      throw error("invalid number: expected a digit after '-'");
    }
    if (text.charAt(pos) == '0') {
      pos++;
      if (pos < n && isDigit(text.charAt(pos))) {
        throw error("invalid number: leading zeros are not allowed", start);
      }
    } else {
      while (pos < n && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    boolean integral = true;
    if (pos < n && text.charAt(pos) == '.') {
      integral = false;
      pos++;
      digits("a digit after '.'");
    }
    if (pos < n && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < n && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      digits("a digit in the exponent");
    }
    String literal = text.substring(start, pos);
    if (integral && literal.length() <= 18) {
      return Long.parseLong(literal);
    }
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException e) {
        // too large for a long: fall through to BigDecimal
      }
    }
    try {
      return new BigDecimal(literal);
    } catch (NumberFormatException e) {
      throw error("number out of range: " + literal, start);
    }
  }

  private void digits(String expected) {
    int n = text.length();
    if (pos >= n || !isDigit(text.charAt(pos))) {
      throw error("invalid number: expected " + expected);
    }
    while (pos < n && isDigit(text.charAt(pos))) {
      pos++;
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected " + describeCurrent() + ", expected a value");
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("unexpected " + describeCurrent() + ", expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    int n = text.length();
    while (pos < n) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String describeCurrent() {
    if (pos >= text.length()) {
      return "end of input";
    }
    return "'" + printable(text.charAt(pos)) + "'";
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? "\\u" + hex4(c) : String.valueOf(c);
  }

  private static String hex4(char c) {
    String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
    return "0000".substring(h.length()) + h;
  }

  private JsonException error(String message) {
    return error(message, pos);
  }

  private JsonException error(String message, int at) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < at && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new JsonException(message + " at line " + line + ", column " + column, at);
  }
}
