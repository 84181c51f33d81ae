package p3backup.snapshot;

import p3backup.paths.EntryType;

/**
 * One path of a snapshot. Files carry size, SHA-256 (hex) and the object's version id where the
 * bucket keeps versions; links their target; directories {@code marker} when a zero-byte
 * {@code dir/} object stands for them (they were empty). {@code ctimeNanos} and {@code inode}
 * are what change detection compares next time ({@code FileStat.NONE}/null where the OS has
 * none); {@code mode} is -1 where the OS has no permission bits.
 */
public record ManifestEntry(
    String path, EntryType type, long size, long mtimeNanos, int mode, String sha256,
    String versionId, String linkTarget, boolean marker, long ctimeNanos, String inode) {

  /** What change detection compares a file with. */
  public p3backup.scan.ChangeDetector.Recorded recorded() {
    return new p3backup.scan.ChangeDetector.Recorded(size, mtimeNanos, ctimeNanos, inode);
  }

  /**
   * Field by field, written out: a record's generated equals goes through method handles, which
   * the native executable interprets, and a backup compares every entry with its previous one.
   */
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof ManifestEntry e && size == e.size
        && mtimeNanos == e.mtimeNanos && mode == e.mode && marker == e.marker
        && ctimeNanos == e.ctimeNanos && type == e.type && java.util.Objects.equals(path, e.path)
        && java.util.Objects.equals(sha256, e.sha256)
        && java.util.Objects.equals(versionId, e.versionId)
        && java.util.Objects.equals(linkTarget, e.linkTarget)
        && java.util.Objects.equals(inode, e.inode);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(path) * 31 + Long.hashCode(mtimeNanos);
  }

  /** Whether this entry stands for an object in the bucket. */
  public boolean hasObject() {
    return type == EntryType.FILE || (type == EntryType.DIR && marker);
  }
}
