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
   * Where p3backup keeps its cache (the latest manifest of each target): {@code
   * $XDG_CACHE_HOME/p3backup}, else the OS's cache folder ({@code %LOCALAPPDATA%\\p3backup\\cache}
   * on Windows, {@code ~/Library/Caches/p3backup} on macOS, {@code ~/.cache/p3backup}
   * elsewhere); null when there is no home to put it in, or when {@code P3BACKUP_CACHE=off}.
   */
  public Path cacheDirectory() {
    if ("off".equals(variables.get("P3BACKUP_CACHE"))) {
      return null;
    }
    String xdg = variables.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "p3backup");
    }
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    String local = variables.get("LOCALAPPDATA");
    if (os.startsWith("windows") && local != null && !local.isEmpty()) {
      return Path.of(local, "p3backup", "cache");
    }
    if (home == null) {
      return null;
    }
    return os.startsWith("mac") ? home.resolve("Library/Caches/p3backup") : home.resolve(".cache/p3backup");
  }

  /** The manifest cache under {@link #cacheDirectory}, or null for none. */
  public p3backup.snapshot.ManifestCache manifestCache() {
    Path dir = cacheDirectory();
    return dir == null ? null : new p3backup.snapshot.ManifestCache(dir);
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
