package p3backup.cli;

/** Bad input found before any request is sent: exit 2, one line saying what to fix. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
