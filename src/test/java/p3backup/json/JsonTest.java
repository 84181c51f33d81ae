package p3backup.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  /** Writes a parsed value back, for round trips. */
  private static void writeValue(JsonWriter w, Object v) {
    if (v == null) {
      w.nullValue();
    } else if (v instanceof String s) {
      w.value(s);
    } else if (v instanceof Long l) {
      w.value(l);
    } else if (v instanceof BigDecimal d) {
      w.value(d);
    } else if (v instanceof Boolean b) {
      w.value(b);
    } else if (v instanceof Map<?, ?> m) {
      w.beginObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        w.name((String) e.getKey());
        writeValue(w, e.getValue());
      }
      w.endObject();
    } else if (v instanceof List<?> l) {
      w.beginArray();
      for (Object o : l) {
        writeValue(w, o);
      }
      w.endArray();
    } else {
      throw new AssertionError(v);
    }
  }

  private static String toJson(Object v) {
    StringBuilder sb = new StringBuilder();
    writeValue(new JsonWriter(sb), v);
    return sb.toString();
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void parsesObjectKeepingMemberOrder() {
    Object v = Json.parse("{\"z\":1,\"a\":2,\"m\":3}");

    assertInstanceOf(LinkedHashMap.class, v);
    assertEquals(List.of("z", "a", "m"), new ArrayList<>(((Map<?, ?>) v).keySet()));
  }

  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(
        " {\"s\":\"x\",\"n\":-12,\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,"
            + "\"a\":[1,\"two\",[],{}],\"o\":{\"p\":{}}} \n");

    assertEquals(
        map("s", "x", "n", -12L, "d", new BigDecimal("1.5"), "t", true, "f", false, "z", null,
            "a", Arrays.asList(1L, "two", List.of(), map()), "o", map("p", map())),
        v);
  }

  @Test
  void parsesScalarsAtTopLevel() {
    assertEquals("x", Json.parse("\"x\""));
    assertEquals(7L, Json.parse(" 7 "));
    assertEquals(true, Json.parse("true"));
    assertNull(Json.parse("null"));
    assertEquals(List.of(), Json.parse("[ ]"));
    assertEquals(Map.of(), Json.parse("{\t\r\n}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0, 0",
    "-0, 0",
    "42, 42",
    "-42, -42",
    "123456789012345678, 123456789012345678",
    "9223372036854775807, 9223372036854775807",
    "-9223372036854775808, -9223372036854775808",
  })
  void integersThatFitInALongAreLongs(String json, long value) {
    assertEquals(value, Json.parse(json));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "0.5",
        "-0.5",
        "1.0",
        "1572629970.123456789",
        "1e3",
        "1E+3",
        "-2.5e-10",
        "6.02214076E23",
        "0e0",
      })
  void otherNumbersAreExactDecimals(String json) {
    assertEquals(new BigDecimal(json), Json.parse(json));
  }

  @Test
  void numberAccessorAcceptsIntegralDecimals() {
    Map<String, Object> m = Json.parseObject("{\"a\":5.0,\"b\":5e2,\"c\":-7}");

    assertEquals(5, Json.number(m, "a"));
    assertEquals(500, Json.number(m, "b"));
    assertEquals(-7, Json.number(m, "c"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "9223372036854775808", "1e19", "1e999999999", "true", "\"5\""})
  void numberAccessorRefusesWhatIsNotALong(String value) {
    Map<String, Object> m = Json.parseObject("{\"a\":" + value + "}");

    JsonException e = assertThrows(JsonException.class, () -> Json.number(m, "a"));
    assertTrue(e.getMessage().startsWith("member \"a\" is "), e.getMessage());
  }

  @Test
  void stringAccessors() {
    Map<String, Object> m = Json.parseObject("{\"p\":\"a b\",\"n\":null,\"x\":1}");

    assertEquals("a b", Json.string(m, "p"));
    assertEquals(Optional.of("a b"), Json.optString(m, "p"));
    assertEquals(Optional.empty(), Json.optString(m, "n"));
    assertEquals(Optional.empty(), Json.optString(m, "missing"));
    assertEquals("member \"missing\" is missing",
        assertThrows(JsonException.class, () -> Json.string(m, "missing")).getMessage());
    assertEquals("member \"n\" is null",
        assertThrows(JsonException.class, () -> Json.string(m, "n")).getMessage());
    assertEquals("member \"x\" is a number, expected a string",
        assertThrows(JsonException.class, () -> Json.string(m, "x")).getMessage());
    assertThrows(JsonException.class, () -> Json.optString(m, "x"));
  }

  @Test
  void numberAccessors() {
    Map<String, Object> m = Json.parseObject("{\"size\":12,\"n\":null,\"s\":\"12\"}");

    assertEquals(12, Json.number(m, "size"));
    assertEquals(OptionalLong.of(12), Json.optNumber(m, "size"));
    assertEquals(OptionalLong.empty(), Json.optNumber(m, "n"));
    assertEquals(OptionalLong.empty(), Json.optNumber(m, "missing"));
    assertThrows(JsonException.class, () -> Json.number(m, "missing"));
    assertEquals("member \"s\" is a string, expected a number",
        assertThrows(JsonException.class, () -> Json.optNumber(m, "s")).getMessage());
  }

  @Test
  void booleanObjectAndArrayAccessors() {
    Map<String, Object> m =
        Json.parseObject("{\"b\":true,\"o\":{\"k\":1},\"a\":[1,2],\"s\":\"true\"}");

    assertTrue(Json.bool(m, "b"));
    assertEquals(Optional.of(true), Json.optBool(m, "b"));
    assertEquals(Optional.empty(), Json.optBool(m, "missing"));
    assertEquals(map("k", 1L), Json.object(m, "o"));
    assertEquals(List.of(1L, 2L), Json.array(m, "a"));
    assertThrows(JsonException.class, () -> Json.bool(m, "s"));
    assertThrows(JsonException.class, () -> Json.object(m, "a"));
    assertThrows(JsonException.class, () -> Json.array(m, "o"));
  }

  @Test
  void parseObjectRefusesOtherValues() {
    assertEquals("expected a JSON object, found an array",
        assertThrows(JsonException.class, () -> Json.parseObject("[]")).getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"' | '\"\\/\b\f\n\r\t'",
        "'\"\\u0041\\u00e9\\u65E5\"'     | A\u00e9\u65e5",
        "'\"\\ud83d\\ude00\"'            | \ud83d\ude00",
        "'\"\\ud800\"'                   | \ud800",
        "'\"\\udc00x\"'                  | \udc00x",
        "'\"caf\u00e9 cafe\u0301\"'      | caf\u00e9 cafe\u0301",
        "'\"\u2028\"'                    | \u2028",
        "'\"\"'                          | ''",
      })
  void decodesStringEscapes(String json, String value) {
    assertEquals(value, Json.parse(json));
  }

  static Stream<Arguments> roundTripValues() {
    StringBuilder everyChar = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      everyChar.append(c);
    }
    everyChar.append("\ud83d\ude00\ud800\udfff\udbff\udfff\ufeff\uffff");
    return Stream.of(
        Arguments.of(map()),
        Arguments.of(List.of()),
        Arguments.of(map("path", "a/b c/d.txt", "size", 0L, "sha256", "ab".repeat(32))),
        Arguments.of(map("path", "caf\u00e9/cafe\u0301/\u65e5\u672c\u8a9e/\ud83d\ude00.png")),
        Arguments.of(map("weird", "\"quotes\" \\back\\ \n\r\t\b\f\0 \u2028\u2029 \u007f")),
        Arguments.of(map("lone", "\ud800 \udc00 \ude00\ud83d end\ud83d")),
        Arguments.of(map("all", everyChar.toString())),
        Arguments.of(map("neg", -1L, "min", Long.MIN_VALUE, "max", Long.MAX_VALUE,
            "big", new BigDecimal("18446744073709551616"),
            "frac", new BigDecimal("-0.000001"), "exp", new BigDecimal("1.5E+300"),
            "mtime", new BigDecimal("1572629970.123456789"))),
        Arguments.of(Arrays.asList(null, true, false, "", List.of(List.of(List.of())),
            map("a", map("b", map("c", Arrays.asList(1L, null)))))),
        Arguments.of(map("", "empty name", "\u0000\n\"", "control name")));
  }

  @ParameterizedTest
  @MethodSource("roundTripValues")
  void writtenValuesParseBackUnchanged(Object value) {
    String json = toJson(value);

    assertEquals(value, Json.parse(json));
    assertEquals(json, toJson(Json.parse(json)));
  }

  @Test
  void doubleValuesParseBackToTheSameDouble() {
    for (double d : new double[] {0.1, -2.5, 1e-300, 1.7976931348623157E308, Math.PI, 100.0}) {
      StringBuilder sb = new StringBuilder();
      new JsonWriter(sb).value(d);

      assertEquals(d, ((BigDecimal) Json.parse(sb.toString())).doubleValue());
    }
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | unexpected end of input, expected a value at line 1, column 1",
        "'   '               | unexpected end of input, expected a value at line 1, column 4",
        "{                   | unexpected end of input, expected a member name in quotes at line 1, column 2",
        "'{\"a\"'            | unexpected end of input, expected ':' at line 1, column 5",
        "'{\"a\":'           | unexpected end of input, expected a value at line 1, column 6",
        "'{\"a\":1'          | unexpected end of input, expected ',' or '}' at line 1, column 7",
        "'{\"a\":1,}'        | unexpected '}', expected a member name in quotes at line 1, column 8",
        "'{\"a\" 1}'         | unexpected '1', expected ':' at line 1, column 6",
        "'{a:1}'             | unexpected 'a', expected a member name in quotes at line 1, column 2",
        "'{\"a\":1 \"b\":2}' | unexpected '\"', expected ',' or '}' at line 1, column 8",
        "'{\"a\":1,\"a\":2}' | duplicate member name \"a\" at line 1, column 8",
        "[                   | unexpected end of input, expected a value at line 1, column 2",
        "'[1,]'              | unexpected ']', expected a value at line 1, column 4",
        "'[1 2]'             | unexpected '2', expected ',' or ']' at line 1, column 4",
        "'[1]]'              | unexpected ']' after the value at line 1, column 4",
        "'{} x'              | unexpected 'x' after the value at line 1, column 4",
        "'1 2'               | unexpected '2' after the value at line 1, column 3",
        "'\"abc'             | unexpected end of input inside a string at line 1, column 5",
        "'\"a\\'             | unexpected end of input inside a string at line 1, column 3",
        "'\"a\\x\"'          | invalid escape '\\x' inside a string at line 1, column 3",
        "'\"\\u12\"'         | invalid \\u escape: expected 4 hex digits at line 1, column 6",
        "'\"\\u12'           | unexpected end of input inside a \\u escape at line 1, column 6",
        "'\"\\uzzzz\"'       | invalid \\u escape: expected 4 hex digits at line 1, column 4",
        "'\"\\u\uff10\uff10\uff10\uff10\"' | invalid \\u escape: expected 4 hex digits at line 1, column 4",
        "'01'                | invalid number: leading zeros are not allowed at line 1, column 1",
        "'-'                 | invalid number: expected a digit after '-' at line 1, column 2",
        "'-a'                | invalid number: expected a digit after '-' at line 1, column 2",
        "'+1'                | unexpected '+', expected a value at line 1, column 1",
        "'.5'                | unexpected '.', expected a value at line 1, column 1",
        "'1.'                | invalid number: expected a digit after '.' at line 1, column 3",
        "'1.e5'              | invalid number: expected a digit after '.' at line 1, column 3",
        "'1e'                | invalid number: expected a digit in the exponent at line 1, column 3",
        "'1e+'               | invalid number: expected a digit in the exponent at line 1, column 4",
        "'1e99999999999'     | number out of range: 1e99999999999 at line 1, column 1",
        "tru                 | unexpected 't', expected a value at line 1, column 1",
        "nul                 | unexpected 'n', expected a value at line 1, column 1",
        "True                | unexpected 'T', expected a value at line 1, column 1",
        "NaN                 | unexpected 'N', expected a value at line 1, column 1",
        "'\"a\u0001\"'       | control character U+0001 inside a string; write it as an escape at line 1, column 3",
        "'\"a\tb\"'          | control character U+0009 inside a string; write it as an escape at line 1, column 3",
        "'// c\n1'           | unexpected '/', expected a value at line 1, column 1",
        "'\ufeff{}'          | unexpected '\ufeff', expected a value at line 1, column 1",
        "'{\n\"a\":\n}'      | unexpected '}', expected a value at line 3, column 1",
      })
  void malformedInputIsReportedWithPosition(String json, String message) {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(json));

    assertEquals(message, e.getMessage());
    assertTrue(e.offset() >= 0 && e.offset() <= json.length());
  }

  @Test
  void rawControlCharacterInMessageIsEscaped() {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("\u0001"));

    assertEquals("unexpected '\\u0001', expected a value at line 1, column 1", e.getMessage());
  }

  @Test
  void accessorErrorsHaveNoOffset() {
    assertEquals(-1, assertThrows(JsonException.class,
        () -> Json.string(Map.of(), "a")).offset());
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().startsWith("nesting deeper than 512 levels"), e.getMessage());
    assertEquals(1, ((List<?>) Json.parse("[".repeat(500) + "1" + "]".repeat(500))).size());
  }

  @Test
  void parsesAHundredThousandManifestLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      StringBuilder sb = new StringBuilder();
      new JsonWriter(sb).beginObject()
          .field("path", "photos/2024/IMG_" + i + " caf\u00e9.jpg")
          .field("type", "file")
          .field("size", 1_000_000L + i)
          .field("mtimeNs", 1_572_629_970_123_456_789L + i)
          .field("mode", "0644")
          .field("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
          .field("version", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo")
          .endObject();
      lines.add(sb.toString());
    }

    long total = 0;
    long expected = 0;
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Object> m = Json.parseObject(lines.get(i));
      total += Json.number(m, "size") + Json.string(m, "path").length();
      expected += 1_000_000L + i + ("photos/2024/IMG_" + i + " caf\u00e9.jpg").length();
    }

    // How fast is for scripts/bench to say (a rerun reads a manifest of this size), not a test.
    assertEquals(expected, total);
  }

  @Test
  void nullMemberIsPresentButNull() {
    Map<String, Object> m = Json.parseObject("{\"a\":null}");

    assertTrue(m.containsKey("a"));
    assertNull(m.get("a"));
    assertFalse(m.containsKey("b"));
  }
}
