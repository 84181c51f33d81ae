package p3backup.scan;

import java.nio.file.Path;
import p3backup.paths.EntryType;

/**
 * One entry of the scanned tree: its slash path relative to the root, what it is, and its stat.
 * {@code emptyDir} marks a directory with nothing in it that is backed up; {@code linkTarget}
 * is set for links.
 */
public final class LocalEntry {
  private final String path;
  private final EntryType type;
  private final Path file;
  private final FileStat stat;
  private final String linkTarget;
  private final boolean emptyDir;

  LocalEntry(String path, EntryType type, Path file, FileStat stat, String linkTarget,
      boolean emptyDir) {
    this.path = path;
    this.type = type;
    this.file = file;
    this.stat = stat;
    this.linkTarget = linkTarget;
    this.emptyDir = emptyDir;
  }

  public String path() {
    return path;
  }

  public EntryType type() {
    return type;
  }

  /** The entry's path on the local file system. */
  public Path file() {
    return file;
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

  @Override
  public String toString() {
    return "LocalEntry[" + path + ", " + type + "]";
  }
}
