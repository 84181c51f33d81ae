package p3backup.cli;

/** The exit codes of the contract, in one place. */
public final class ExitCodes {
  /** Done: everything backed up, restored or verified. */
  public static final int OK = 0;
  /** Failed: network, permissions, server error after retries, or verify found a problem. */
  public static final int FAILED = 1;
  /** Bad input, found before any request was sent. */
  public static final int USAGE = 2;
  /** Done, but some files could not be handled; each is named. */
  public static final int PARTIAL = 3;

  private ExitCodes() {}
}
