package p3backup.problems;

/**
 * Progress and diagnostics of a run, as events. The CLI renders them (progress line, warnings);
 * the engine never prints. Methods may be called from several threads at once.
 */
public interface RunListener {
  RunListener NONE = new RunListener() {};

  /** A phase begins: "scan", "upload", "delete", "download", "verify"... */
  default void phase(String name) {}

  /** Totals of the work that the current phase will do, once known. */
  default void totals(long files, long bytes) {}

  /** Entries seen while scanning. */
  default void scanned(long entries) {}

  /** Bytes moved over the network (or hashed) in the current phase. */
  default void bytes(long n) {}

  /** One file of the current phase is done. */
  default void fileDone(String path) {}

  /** Something the user should know that is not a failure. */
  default void warning(String message) {}

  /** Detail shown only with --verbose. */
  default void detail(String message) {}

  /** A file that could not be handled (also collected in the result). */
  default void problem(FileProblem problem) {}
}
