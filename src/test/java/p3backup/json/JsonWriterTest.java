package p3backup.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonWriterTest {

  private static String write(Consumer<JsonWriter> body) {
    StringBuilder sb = new StringBuilder();
    body.accept(new JsonWriter(sb));
    return sb.toString();
  }

  private static String string(String s) {
    return write(w -> w.value(s));
  }

  @Test
  void writesCompactObjectWithCommasInPlace() {
    String json = write(w -> w.beginObject()
        .field("command", "backup")
        .field("files", 3)
        .field("dryRun", false)
        .name("prefix").nullValue()
        .name("errors").beginArray()
        .beginObject().field("path", "a").field("message", "m").endObject()
        .beginObject().endObject()
        .endArray()
        .name("empty").beginArray().endArray()
        .name("ratio").value(0.5)
        .endObject());

    assertEquals(
        "{\"command\":\"backup\",\"files\":3,\"dryRun\":false,\"prefix\":null,"
            + "\"errors\":[{\"path\":\"a\",\"message\":\"m\"},{}],\"empty\":[],\"ratio\":0.5}",
        json);
  }

  @Test
  void writesNestedArrays() {
    assertEquals("[[],[1,[true,null]],\"x\"]", write(w -> w.beginArray()
        .beginArray().endArray()
        .beginArray().value(1).beginArray().value(true).nullValue().endArray().endArray()
        .value("x")
        .endArray()));
  }

  @Test
  void writesDeepNestingBeyondInitialCapacity() {
    String json = write(w -> {
      for (int i = 0; i < 100; i++) {
        w.beginArray();
      }
      for (int i = 0; i < 100; i++) {
        w.endArray();
      }
    });

    assertEquals("[".repeat(100) + "]".repeat(100), json);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 0",
    "-1, -1",
    "9223372036854775807, 9223372036854775807",
    "-9223372036854775808, -9223372036854775808",
  })
  void writesLongs(long value, String json) {
    assertEquals(json, write(w -> w.value(value)));
  }

  @Test
  void writesDoublesAndDecimals() {
    assertEquals("1.5", write(w -> w.value(1.5)));
    assertEquals("-0.0", write(w -> w.value(-0.0)));
    assertEquals("1.0E300", write(w -> w.value(1e300)));
    assertEquals("1572629970.123456789",
        write(w -> w.value(new BigDecimal("1572629970.123456789"))));
    assertEquals("null", write(w -> w.value((BigDecimal) null)));
  }

  @Test
  void refusesNonFiniteDoubles() {
    assertThrows(IllegalArgumentException.class, () -> write(w -> w.value(Double.NaN)));
    assertThrows(IllegalArgumentException.class,
        () -> write(w -> w.value(Double.POSITIVE_INFINITY)));
  }

  @Test
  void nullStringIsWrittenAsNull() {
    assertEquals("null", string(null));
    assertEquals("{\"a\":null}", write(w -> w.beginObject().field("a", (String) null).endObject()));
  }

  @ParameterizedTest(name = "{index}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain             | \"plain\"",
        "'a \"quoted\" b'  | \"a \\\"quoted\\\" b\"",
        "back\\slash       | \"back\\\\slash\"",
        "a/b               | \"a/b\"",
        "caf\u00e9 \u65e5\u672c | \"caf\u00e9 \u65e5\u672c\"",
        "\ud83d\ude00      | \"\ud83d\ude00\"",
        "\u007f            | \"\u007f\"",
      })
  void escapesOnlyWhatItMust(String value, String json) {
    assertEquals(json, string(value));
  }

  @Test
  void escapesControlCharacters() {
    assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u0001\\u001f \"", string("\n\r\t\b\f\0\u0001\u001f "));
  }

  @Test
  void escapesLineAndParagraphSeparators() {
    assertEquals("\"a\\u2028b\\u2029c\"", string("a\u2028b\u2029c"));
  }

  @Test
  void escapesUnpairedSurrogatesSoOutputIsValidUtf8() {
    String json = string("a\ud800b\udc00c\ud83d");

    assertEquals("\"a\\ud800b\\udc00c\\ud83d\"", json);
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    assertEquals(json, new String(utf8, StandardCharsets.UTF_8));
  }

  @Test
  void escapesReversedSurrogatePair() {
    assertEquals("\"\\ude00\\ud83d\"", string("\ude00\ud83d"));
  }

  @Test
  void escapesNamesLikeValues() {
    assertEquals("{\"a\\\"b\\n\":1}", write(w -> w.beginObject().field("a\"b\n", 1).endObject()));
  }

  @Test
  void misuseIsRefused() {
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginObject().value(1)));
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginArray().name("a")));
    assertThrows(IllegalStateException.class, () -> write(w -> w.name("a")));
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginObject().endArray()));
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginArray().endObject()));
    assertThrows(IllegalStateException.class, () -> write(w -> w.endObject()));
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginObject().name("a").endObject()));
    assertThrows(IllegalStateException.class, () -> write(w -> w.beginObject().name("a").name("b")));
    assertThrows(IllegalStateException.class, () -> write(w -> w.value(1).value(2)));
    assertThrows(IllegalStateException.class,
        () -> write(w -> w.beginObject().endObject().beginObject()));
  }

  @Test
  void oneWriterPerLineMakesJsonLines() {
    StringWriter out = new StringWriter();
    for (int i = 0; i < 3; i++) {
      new JsonWriter(out).beginObject().field("i", i).endObject();
      out.write('\n');
    }

    assertEquals("{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n", out.toString());
  }

  @Test
  void ioErrorsAreRethrownUnchecked() {
    Writer failing = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new JsonWriter(failing).beginObject());
    assertEquals("disk full", e.getCause().getMessage());
  }
}
