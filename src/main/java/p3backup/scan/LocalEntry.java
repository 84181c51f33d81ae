package p3backup.scan;

import java.nio.file.Path;
import p3backup.paths.EntryType;

/**
 * One entry of the scanned tree: its slash path relative to the root, what it is, and its stat.
 * {@code emptyDir} marks a directory with nothing in it that is backed up; {@code linkTarget}
 * is set for links.
 *
 * <p>A scan holds one of these per file of the tree, so the entry keeps its directory's path
 * (shared with its siblings) and makes its own {@link #file()} from it when asked, rather than
 * holding a path object of its own. A name that would not come back the same from its text
 * (bytes that are not valid in the file system's encoding) keeps the exact path instead.
 */
public final class LocalEntry {
  private final String path;
  private final EntryType type;
  /** The entry's directory when {@link #inDir}, else the entry itself. */
  private final Path base;
  private final boolean inDir;
  private final FileStat stat;
  private final String linkTarget;
  private final boolean emptyDir;

  private LocalEntry(String path, EntryType type, Path base, boolean inDir, FileStat stat,
      String linkTarget, boolean emptyDir) {
    this.path = path;
    this.type = type;
    this.base = base;
    this.inDir = inDir;
    this.stat = stat;
    this.linkTarget = linkTarget;
    this.emptyDir = emptyDir;
  }

  /**
   * An entry for {@code file}, found in {@code dir} under the last segment of {@code path}: keeps
   * only {@code dir} when resolving that name in it gives {@code file} back.
   */
  static LocalEntry in(Path dir, Path file, String path, EntryType type, FileStat stat,
      String linkTarget, boolean emptyDir) {
    boolean same = dir.resolve(name(path)).equals(file);
    return new LocalEntry(path, type, same ? dir : file, same, stat, linkTarget, emptyDir);
  }

  public String path() {
    return path;
  }

  public EntryType type() {
    return type;
  }

  /** The entry's path on the local file system (a new object on each call). */
  public Path file() {
    return inDir ? base.resolve(name(path)) : base;
  }

  public FileStat stat() {
    return stat;
  }

  public String linkTarget() {
    return linkTarget;
  }

  public boolean emptyDir() {
    return emptyDir;
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "LocalEntry[" + path + ", " + type + "]";
  }
}
