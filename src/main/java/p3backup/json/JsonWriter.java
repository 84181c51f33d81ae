package p3backup.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Writes one JSON value, compactly (no whitespace), straight to an {@link Appendable}. Commas
 * and colons are placed automatically; misuse (a value without a name inside an object, an
 * unbalanced end, a second top-level value) throws {@link IllegalStateException}.
 *
 * <p>Strings are escaped so that the output is valid JSON and valid UTF-8 whatever they hold:
 * quotes, backslashes, control characters, U+2028, U+2029 and unpaired surrogates become
 * escapes; everything else, including non-ASCII text, is written as is.
 *
 * <p>An {@link IOException} from the destination is rethrown as {@link UncheckedIOException}.
 * Use a new writer for each value, e.g. for each line of a JSON Lines file.
 */
public final class JsonWriter {
  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Appendable out;
  private byte[] kinds = new byte[8];
  private boolean[] nonEmpty = new boolean[8];
  private int depth;
  private boolean nameWritten;
  private boolean done;

  /** A writer that appends to {@code out}. */
  public JsonWriter(Appendable out) {
    this.out = out;
  }

  /** Starts an object. */
  public JsonWriter beginObject() {
    beforeValue();
    push(OBJECT);
    return write('{');
  }

  /** Ends the current object. */
  public JsonWriter endObject() {
    if (depth == 0 || kinds[depth] != OBJECT || nameWritten) {
      throw new IllegalStateException(
          nameWritten ? "endObject() after a name without a value" : "endObject() outside an object");
    }
    return pop('}');
  }

  /** Starts an array. */
  public JsonWriter beginArray() {
    beforeValue();
    push(ARRAY);
    return write('[');
  }

  /** Ends the current array. */
  public JsonWriter endArray() {
    if (depth == 0 || kinds[depth] != ARRAY) {
      throw new IllegalStateException("endArray() outside an array");
    }
    return pop(']');
  }

  /** Writes the name of the next member of the current object. */
  public JsonWriter name(String name) {
    if (depth == 0 || kinds[depth] != OBJECT) {
      throw new IllegalStateException("name() outside an object");
    }
    if (nameWritten) {
      throw new IllegalStateException("name() twice without a value");
    }
    if (nonEmpty[depth]) {
      write(',');
    }
    nonEmpty[depth] = true;
    string(name);
    write(':');
    nameWritten = true;
    return this;
  }

  /** Writes a string, or {@code null} if {@code value} is null. */
  public JsonWriter value(String value) {
    if (value == null) {
      return nullValue();
    }
    beforeValue();
    string(value);
    return afterValue();
  }

  /** Writes an integer. */
  public JsonWriter value(long value) {
    beforeValue();
    return raw(Long.toString(value));
  }

  /**
   * Writes a number.
   *
   * @throws IllegalArgumentException for NaN and infinities, which JSON cannot hold
   */
  public JsonWriter value(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("JSON has no " + value);
    }
    beforeValue();
    return raw(Double.toString(value));
  }

  /** Writes an exact decimal, or {@code null} if {@code value} is null. */
  public JsonWriter value(BigDecimal value) {
    if (value == null) {
      return nullValue();
    }
    beforeValue();
    return raw(value.toString());
  }

  /** Writes {@code true} or {@code false}. */
  public JsonWriter value(boolean value) {
    beforeValue();
    return raw(value ? "true" : "false");
  }

  /** Writes {@code null}. */
  public JsonWriter nullValue() {
    beforeValue();
    return raw("null");
  }

  /** Writes a member with a string value ({@code null} if {@code value} is null). */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  /** Writes a member with an integer value. */
  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  /** Writes a member with a boolean value. */
  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  private void beforeValue() {
    if (depth == 0) {
      if (done) {
        throw new IllegalStateException("a JsonWriter writes one top-level value");
      }
    } else if (kinds[depth] == OBJECT) {
      if (!nameWritten) {
        throw new IllegalStateException("a value inside an object needs a name() first");
      }
      nameWritten = false;
    } else {
      if (nonEmpty[depth]) {
        write(',');
      }
      nonEmpty[depth] = true;
    }
  }

  private JsonWriter afterValue() {
    if (depth == 0) {
      done = true;
    }
    return this;
  }

  private void push(byte kind) {
    depth++;
    if (depth == kinds.length) {
      kinds = Arrays.copyOf(kinds, depth * 2);
      nonEmpty = Arrays.copyOf(nonEmpty, depth * 2);
    }
    kinds[depth] = kind;
    nonEmpty[depth] = false;
  }

  private JsonWriter pop(char close) {
    depth--;
    write(close);
    return afterValue();
  }

  private JsonWriter raw(String text) {
    try {
      out.append(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return afterValue();
  }

  private JsonWriter write(char c) {
    try {
      out.append(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private void string(String s) {
    try {
      out.append('"');
      int from = 0;
      int n = s.length();
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        String escape;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
          continue;
        } else if (c == '"') {
          escape = "\\\"";
        } else if (c == '\\') {
          escape = "\\\\";
        } else if (c == '\n') {
          escape = "\\n";
        } else if (c == '\r') {
          escape = "\\r";
        } else if (c == '\t') {
          escape = "\\t";
        } else if (c == '\b') {
          escape = "\\b";
        } else if (c == '\f') {
          escape = "\\f";
        } else if (c < 0x20 || c == '\u2028' || c == '\u2029') {
          escape = unicodeEscape(c);
        } else if (Character.isHighSurrogate(c) && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        } else if (Character.isSurrogate(c)) {
          escape = unicodeEscape(c);
        } else {
          continue;
        }
        out.append(s, from, i).append(escape);
        from = i + 1;
      }
      out.append(s, from, n).append('"');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String unicodeEscape(char c) {
    return new String(new char[] {
        '\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf], HEX[c & 0xf]});
  }
}
