package p3backup.snapshot;

/** A manifest that cannot be read: truncated, not gzip, or not p3backup's format. */
public final class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ManifestException(String message) {
    super(message);
  }
}
