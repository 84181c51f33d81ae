package p3backup.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * What the real disk of this OS can hold, for tests that need it: each skips, with the reason,
 * where the OS lacks the feature (Windows: POSIX permissions, symbolic links without developer
 * mode, FIFOs, long paths; macOS: NFC and NFD names side by side), never silently.
 */
public final class Platform {
  private Platform() {}

  public static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

  public static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  public static void assumePosix() {
    assumeTrue(posix(), "this file system has no POSIX permission bits (Windows)");
  }

  public static void assumeSymlinks(Path dir) {
    boolean ok;
    try {
      Path link = Files.createSymbolicLink(dir.resolve(".symlink-probe"), Path.of("target"));
      Files.delete(link);
      ok = true;
    } catch (IOException | UnsupportedOperationException e) {
      ok = false;
    }
    assumeTrue(ok, "this OS does not let this user create symbolic links (Windows without developer mode)");
  }

  /** NFC and NFD spellings of one name are two files here (not on macOS, which folds them). */
  public static void assumeDistinctNormalizations(Path dir) throws IOException {
    String nfc = Normalizer.normalize("probe-\u00e9", Normalizer.Form.NFC);
    String nfd = Normalizer.normalize("probe-\u00e9", Normalizer.Form.NFD);
    Path a = Files.createFile(dir.resolve(nfc));
    boolean folded = Files.exists(dir.resolve(nfd));
    Files.delete(a);
    assumeTrue(!folded, "this file system treats NFC and NFD names as one (macOS)");
  }

  public static void assumeFifos() {
    assumeTrue(!WINDOWS && hasCommand("mkfifo"), "no FIFOs on this OS (Windows)");
  }

  public static void assumeLongPaths() {
    assumeTrue(!WINDOWS, "paths past 260 characters need long-path support on Windows");
  }

  private static boolean hasCommand(String name) {
    try {
      return new ProcessBuilder(name, "--version").redirectErrorStream(true).start().waitFor() >= 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
