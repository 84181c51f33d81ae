package p3backup.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON summaries (--json) as jackson writes them: valid JSON whatever the names hold. */
class JacksonTest {
  @Test
  void anySummaryIsOneLineOfValidJsonThatReadsBack() {
    String[] hostile = {
        "plain", "caf\u00e9 \u65e5\u672c", "q\"b\\s/", "nl\ncr\rtab\tnul\u0000", "\u2028\u2029",
        "emoji \ud83d\ude00", "lone \ud800 high", "lone \udc00 low", "end \ud800", "",
    };
    for (String s : hostile) {
      String text = Jackson.text(g -> {
        g.writeStartObject();
        g.writeStringField("path", s);
        g.writeNumberField("big", Long.MIN_VALUE);
        g.writeStringField("none", null);
        g.writeBooleanField("ok", true);
        g.writeArrayFieldStart("list");
        g.writeString(s);
        g.writeEndArray();
        g.writeEndObject();
      });
      assertTrue(text.chars().allMatch(c -> c >= 0x20 && !Character.isSurrogate((char) c)), text);
      Map<String, Object> back = Json.parseObject(text);
      assertEquals(s, back.get("path"));
      assertEquals(Long.MIN_VALUE, back.get("big"));
      assertTrue(back.containsKey("none") && back.get("none") == null);
      assertEquals(true, back.get("ok"));
      assertEquals(List.of(s), back.get("list"));
    }
  }

  @Test
  void nonAsciiIsWrittenAsIs() {
    assertEquals("\"caf\u00e9\"", Jackson.text(g -> g.writeString("caf\u00e9")));
  }

  @Test
  void aMisuseOfTheGeneratorIsAnError() {
    assertThrows(RuntimeException.class, () -> Jackson.text(g -> {
      g.writeStartObject();
      g.writeString("a value without a name");
    }));
  }
}
