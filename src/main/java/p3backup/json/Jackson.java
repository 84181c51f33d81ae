package p3backup.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON through jackson-core's streaming parser and generator (no databind, no reflection): the
 * one configured factory, and helpers around it.
 *
 * <p>The factory keeps jackson's strict defaults for reading (no comments, single quotes,
 * unquoted names, leading zeros, NaN, trailing commas or raw control characters in strings).
 * It never closes a stream it is given (the caller owns it) and separates top-level values by
 * nothing, so that JSON Lines writers put their own newline after each value. The UTF-8
 * generator writes non-ASCII text as is and escapes quotes, backslashes, control characters and
 * every UTF-16 surrogate (an emoji becomes two backslash-u escapes), so that a name with an
 * unpaired surrogate (possible on Windows) is written as valid JSON and reads back unchanged.
 */
public final class Jackson {
  public static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .rootValueSeparator((String) null)
      .build();

  private Jackson() {}

  /** Writes one JSON value to a generator. */
  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** The JSON value {@code body} writes, as text (compact, one line). */
  public static String text(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** A parse error in one line: jackson's message without its excerpt of the source, and where. */
  public static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String message = e.getOriginalMessage();
    return at == null || at.getLineNr() < 0 ? message
        : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
