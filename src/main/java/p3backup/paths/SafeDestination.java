package p3backup.paths;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a snapshot path or object key to a path inside a restore destination, or says why it
 * cannot be restored there: a path that would escape the destination ({@code ..}, {@code .},
 * absolute; on Windows also a drive letter or a backslash), or a name the destination's file
 * system cannot hold ({@code /} and NUL anywhere; on Windows {@code a:b}, {@code CON}, a
 * trailing dot or space, a path past 260 characters). The rules are those of the file system
 * the destination is on (Windows rules where its separator is a backslash), not of the OS the
 * backup came from: on Linux and macOS {@code back\slash.txt} is an ordinary name. Nothing is
 * ever altered: a name is restored as it is or refused.
 */
public final class SafeDestination {
  private static final Set<String> WINDOWS_DEVICES = Set.of("CON", "PRN", "AUX", "NUL",
      "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9",
      "COM\u00b2", "COM\u00b3", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
      "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3", "CONIN$", "CONOUT$");
  private static final int WINDOWS_MAX_PATH = 260;
  private static final int MAX_NAME_BYTES = 255;

  private final Path root;
  private final boolean windows;

  /** {@code root} must be absolute and normalised (the real path of the destination). */
  public SafeDestination(Path root) {
    this.root = root;
    this.windows = root.getFileSystem().getSeparator().equals("\\");
  }

  public Path root() {
    return root;
  }

  /** Where a path goes, or why it does not. */
  public sealed interface Resolved permits Inside, Refused {}

  /** The path inside the destination. */
  public record Inside(Path path) implements Resolved {}

  /** Why the path is not restored. */
  public record Refused(String reason) implements Resolved {}

  public Resolved resolve(String relPath) {
    Optional<String> problem = problem(relPath);
    if (problem.isPresent()) {
      return new Refused(problem.get());
    }
    Path p = root;
    for (String segment : relPath.split("/", -1)) {
      p = p.resolve(segment);
    }
    Path normal = p.normalize();
    if (!normal.startsWith(root) || normal.equals(root)) {
      return new Refused("resolves outside the destination: not restored");
    }
    if (windows && normal.toString().length() >= WINDOWS_MAX_PATH) {
      return new Refused("the path would be " + normal.toString().length()
          + " characters, past Windows' limit of " + (WINDOWS_MAX_PATH - 1) + ": not restored");
    }
    return new Inside(normal);
  }

  private Optional<String> problem(String rel) {
    if (rel.isEmpty()) {
      return Optional.of("empty path: not restored");
    }
    if (rel.indexOf('\0') >= 0) {
      return Optional.of("contains a NUL character: not restored");
    }
    if (rel.startsWith("/")) {
      return Optional.of("absolute path: not restored outside the destination");
    }
    if (windows && rel.indexOf('\\') >= 0) {
      return Optional.of("contains a backslash, a path separator on Windows: not restored");
    }
    if (windows && rel.length() >= 2 && rel.charAt(1) == ':' && Character.isLetter(rel.charAt(0))) {
      return Optional.of("starts with a drive letter: not restored outside the destination");
    }
    for (String segment : rel.split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("has an empty path segment (//): not restored");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("has a '" + segment + "' segment that would leave its folder: not restored");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        return Optional.of("has a name longer than " + MAX_NAME_BYTES + " bytes: not restored");
      }
      if (windows) {
        Optional<String> w = windowsProblem(segment);
        if (w.isPresent()) {
          return w;
        }
      }
    }
    return Optional.empty();
  }

  /** Why Windows cannot hold this file name, if it cannot. */
  static Optional<String> windowsProblem(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 32 || "<>:\"|?*".indexOf(c) >= 0) {
        return Optional.of("the name \"" + name + "\" has a character Windows does not allow ("
            + (c < 32 ? "control character" : String.valueOf(c)) + "): not restored");
      }
    }
    if (name.endsWith(".") || name.endsWith(" ")) {
      return Optional.of("the name \"" + name + "\" ends with a dot or space, which Windows drops:"
          + " not restored");
    }
    int dot = name.indexOf('.');
    String base = (dot < 0 ? name : name.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
    if (WINDOWS_DEVICES.contains(base)) {
      return Optional.of("the name \"" + name + "\" is reserved for a device on Windows: not restored");
    }
    return Optional.empty();
  }
}
