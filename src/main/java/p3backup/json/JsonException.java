package p3backup.json;

/**
 * Malformed JSON, or a value missing or of the wrong type when read with the accessors of
 * {@link Json}. For malformed input the message names the line and column.
 */
public final class JsonException extends RuntimeException {
  private final int offset;

  JsonException(String message) {
    super(message);
    this.offset = -1;
  }

  JsonException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** The offset (in chars) into the parsed text where the problem is, or -1. */
  public int offset() {
    return offset;
  }
}
