package p3backup.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether output goes to a person at a terminal, as far as the JDK lets us tell. */
final class Terminal {
  private Terminal() {}

  static boolean stderrIsTerminal() {
    if (System.console() == null) {
      return false;
    }
    String term = System.getenv("TERM");
    if ("dumb".equals(term)) {
      return false;
    }
    // Where /proc exists, ask about stderr itself: System.console() speaks of stdin and stdout.
    Path fd2 = Path.of("/proc/self/fd/2");
    if (Files.exists(Path.of("/proc/self/fd"))) {
      try {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (Exception e) {
        return false;
      }
    }
    return true;
  }
}
