package p3backup.storage;

/** A storage failure that remains after retries, with a message a user can act on. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure, so callers can choose a reaction without knowing the SDK. */
  public enum Kind {
    NOT_FOUND,
    NO_SUCH_BUCKET,
    ACCESS_DENIED,
    CREDENTIALS,
    NOT_IMPLEMENTED,
    BUCKET_TAKEN,
    NETWORK,
    SERVER,
    CLIENT
  }

  private final Kind kind;

  public StorageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
