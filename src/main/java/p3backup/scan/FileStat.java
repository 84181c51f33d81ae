package p3backup.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What one stat of a path says, as far as the OS tells it: ctime, inode and mode are absent
 * ({@link #NONE}, null, -1) where the file system has none of them (Windows).
 */
public record FileStat(Kind kind, long size, long mtimeNanos, long ctimeNanos, String inode, int mode) {
  public static final long NONE = Long.MIN_VALUE;

  /** The kinds of directory entry a scan tells apart. */
  public enum Kind {
    FILE,
    DIR,
    LINK,
    OTHER
  }

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final LinkOption[] FOLLOW = {};
  /**
   * What a stat gives, as few names as will do (each costs a lookup and a map entry): the OS's
   * file system gives the whole {@code st_mode}, whose type bits say what kind of file it is.
   */
  private static final String OS_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,dev,mode";
  /** Other file systems with a unix view (Jimfs) give only the permission bits as the mode. */
  private static final String UNIX_ATTRIBUTES = OS_ATTRIBUTES
      + ",isRegularFile,isDirectory,isSymbolicLink";
  private static final java.nio.file.FileSystem OS = java.nio.file.FileSystems.getDefault();
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  public static FileStat read(Path path, boolean followLinks) throws IOException {
    LinkOption[] options = followLinks ? FOLLOW : NOFOLLOW;
    Set<String> views = path.getFileSystem().supportedFileAttributeViews();
    if (views.contains("unix")) {
      boolean os = path.getFileSystem() == OS;
      Map<String, Object> a = Files.readAttributes(path, os ? OS_ATTRIBUTES : UNIX_ATTRIBUTES,
          options);
      int mode = (Integer) a.get("mode");
      Kind kind = os ? switch (mode & S_IFMT) {
        case S_IFREG -> Kind.FILE;
        case S_IFDIR -> Kind.DIR;
        case S_IFLNK -> Kind.LINK;
        default -> Kind.OTHER;
      } : Boolean.TRUE.equals(a.get("isRegularFile")) ? Kind.FILE
          : Boolean.TRUE.equals(a.get("isDirectory")) ? Kind.DIR
          : Boolean.TRUE.equals(a.get("isSymbolicLink")) ? Kind.LINK : Kind.OTHER;
      Object ino = a.get("ino");
      Object dev = a.get("dev");
      Object ctime = a.get("ctime");
      return new FileStat(kind, (Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
          ctime instanceof FileTime t ? nanos(t) : NONE,
          ino == null ? null : (dev == null ? "" : dev + ":") + ino, mode & 07777);
    }
    BasicFileAttributes b;
    int mode = -1;
    if (views.contains("posix")) {
      PosixFileAttributes p = Files.readAttributes(path, PosixFileAttributes.class, options);
      mode = modeOf(p.permissions());
      b = p;
    } else {
      b = Files.readAttributes(path, BasicFileAttributes.class, options);
    }
    Kind kind = b.isRegularFile() ? Kind.FILE : b.isDirectory() ? Kind.DIR
        : b.isSymbolicLink() ? Kind.LINK : Kind.OTHER;
    return new FileStat(kind, b.size(), nanos(b.lastModifiedTime()), NONE, null, mode);
  }

  static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }

  static int modeOf(Set<PosixFilePermission> permissions) {
    int m = 0;
    for (PosixFilePermission p : permissions) {
      m |= switch (p) {
        case OWNER_READ -> 0400;
        case OWNER_WRITE -> 0200;
        case OWNER_EXECUTE -> 0100;
        case GROUP_READ -> 040;
        case GROUP_WRITE -> 020;
        case GROUP_EXECUTE -> 010;
        case OTHERS_READ -> 04;
        case OTHERS_WRITE -> 02;
        case OTHERS_EXECUTE -> 01;
      };
    }
    return m;
  }

  /** Whether the content may have changed between two stats of the same file. */
  public boolean sameVersionAs(FileStat o) {
    return size == o.size && mtimeNanos == o.mtimeNanos && ctimeNanos == o.ctimeNanos
        && java.util.Objects.equals(inode, o.inode);
  }
}
