package p3backup.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * For tests: a JSON text (a command's --json output, a native-image configuration file) as
 * plain Java values, read with jackson's parser, and typed members out of the maps. Object →
 * {@code Map} in document order, array → {@code List}, integer in long range → {@link Long},
 * other number → {@link BigDecimal}, string, boolean, null.
 */
public final class Json {
  private Json() {}

  /** One JSON value and nothing after it. @throws IllegalArgumentException if malformed */
  public static Object parse(String text) {
    try (JsonParser p = Jackson.FACTORY.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("more after the JSON value: " + text);
      }
      return v;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(Jackson.describe(e) + ": " + text, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (v instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return m;
    }
    throw new IllegalArgumentException("not a JSON object: " + text);
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new IllegalArgumentException("no JSON value");
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name; (name = p.nextFieldName()) != null; ) {
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY; ) {
          l.add(value(p, e));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getDecimalValue()
            : (Object) p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDecimalValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected " + t);
    }
  }

  public static String string(Map<String, Object> m, String key) {
    return (String) required(m, key);
  }

  public static Optional<String> optString(Map<String, Object> m, String key) {
    return Optional.ofNullable((String) m.get(key));
  }

  public static long number(Map<String, Object> m, String key) {
    Object v = required(m, key);
    return v instanceof BigDecimal d ? d.longValueExact() : (Long) v;
  }

  public static OptionalLong optNumber(Map<String, Object> m, String key) {
    return m.get(key) == null ? OptionalLong.empty() : OptionalLong.of(number(m, key));
  }

  public static boolean bool(Map<String, Object> m, String key) {
    return (Boolean) required(m, key);
  }

  public static Optional<Boolean> optBool(Map<String, Object> m, String key) {
    return Optional.ofNullable((Boolean) m.get(key));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> m, String key) {
    return (Map<String, Object>) required(m, key);
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> m, String key) {
    return (List<Object>) required(m, key);
  }

  private static Object required(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("member \"" + key + "\" is "
          + (m.containsKey(key) ? "null" : "missing") + " in " + m);
    }
    return v;
  }
}
