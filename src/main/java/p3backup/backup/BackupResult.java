package p3backup.backup;

import java.util.List;
import p3backup.problems.FileProblem;

/**
 * What a backup run did. {@code snapshot} is null when nothing changed (or with --dry-run);
 * {@code planned} lists the changes a dry run would make.
 */
public record BackupResult(
    String bucket, String prefix, String snapshot, boolean bucketCreated, long filesScanned,
    long filesUploaded, long filesUnchanged, long filesDeleted, long bytesUploaded,
    List<Planned> planned, List<FileProblem> problems, List<String> warnings) {

  /** A change a dry run would make: action "upload" or "delete", and the path. */
  public record Planned(String action, String path, long size) {}
}
