package p3backup.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a run takes from the world around it, given rather than reached for so that tests can
 * run the CLI in-process: environment variables, home and working directories, the clock, and
 * whether stderr is a terminal (for the progress display).
 */
public record Environment(
    Map<String, String> variables, Path home, Path workingDirectory, Clock clock, boolean terminal) {

  public static Environment system() {
    String home = System.getProperty("user.home");
    return new Environment(System.getenv(), home == null ? null : Path.of(home),
        Path.of("").toAbsolutePath(), Clock.systemDefaultZone(), Terminal.stderrIsTerminal());
  }
}
