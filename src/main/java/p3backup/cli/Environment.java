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
    Map<String, String> variables = System.getenv();
    String home = homeDirectory(variables, System.getProperty("os.name", ""), System.getProperty("user.home"));
    return new Environment(variables, home == null ? null : Path.of(home),
        Path.of("").toAbsolutePath(), Clock.systemDefaultZone(), Terminal.stderrIsTerminal());
  }

  /**
   * The home directory as the AWS CLI and SDK find it: HOME, then (on Windows) USERPROFILE, then
   * the account's home directory. A run with HOME set elsewhere reads that home's ~/.aws.
   */
  static String homeDirectory(Map<String, String> variables, String osName, String accountHome) {
    String home = variables.get("HOME");
    if ((home == null || home.isEmpty()) && osName.toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
      home = variables.get("USERPROFILE");
    }
    return home == null || home.isEmpty() ? accountHome : home;
  }
}
