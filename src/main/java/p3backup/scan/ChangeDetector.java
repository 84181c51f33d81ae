package p3backup.scan;

import java.util.Objects;

/**
 * Decides whether a file is the one a snapshot recorded without reading it: size, mtime and,
 * where the OS has them, ctime and inode must all be equal. A same-size edit whose old mtime was
 * put back still moves the ctime. When this says "maybe changed", the caller hashes the file and
 * compares SHA-256; only different content is uploaded.
 */
public final class ChangeDetector {
  private ChangeDetector() {}

  /** The recorded state of a file, as the last snapshot's manifest has it. */
  public record Recorded(long size, long mtimeNanos, long ctimeNanos, String inode) {}

  public static boolean unchanged(FileStat now, Recorded recorded) {
    if (now.size() != recorded.size() || now.mtimeNanos() != recorded.mtimeNanos()) {
      return false;
    }
    if (now.ctimeNanos() != FileStat.NONE || recorded.ctimeNanos() != FileStat.NONE) {
      if (now.ctimeNanos() != recorded.ctimeNanos()) {
        return false;
      }
    }
    if (now.inode() != null || recorded.inode() != null) {
      return Objects.equals(now.inode(), recorded.inode());
    }
    return true;
  }
}
