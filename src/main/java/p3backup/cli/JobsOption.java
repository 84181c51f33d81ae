package p3backup.cli;

import picocli.CommandLine.Option;

/** {@code --jobs N}: how many transfers run at once, for the commands that move data. */
public final class JobsOption {
  static final int DEFAULT = 16;
  static final int MAX = 256;

  @Option(names = "--jobs", paramLabel = "N", description = "Parallel transfers (default: " + DEFAULT + ").")
  int jobs = DEFAULT;

  /** The number of jobs, checked (exit 2 when out of range). */
  int value() {
    if (jobs < 1 || jobs > MAX) {
      throw new UsageException("invalid --jobs " + jobs + ": give a number from 1 to " + MAX);
    }
    return jobs;
  }

  /** Connections to keep open: two per job, so parts and whole files never wait for one. */
  int connections() {
    return Math.max(DEFAULT, value() * 2);
  }
}
