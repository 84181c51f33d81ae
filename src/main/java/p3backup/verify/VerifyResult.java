package p3backup.verify;

import java.util.List;
import p3backup.problems.FileProblem;

/**
 * What a verify found: problems with the backup itself (missing objects, wrong sizes, wrong
 * content), and with a directory given, how it differs from the snapshot.
 */
public record VerifyResult(String bucket, String prefix, String snapshot, long filesChecked,
    long bytesRead, List<FileProblem> problems, List<String> added, List<String> changed,
    List<String> missing) {

  public boolean clean() {
    return problems.isEmpty() && added.isEmpty() && changed.isEmpty() && missing.isEmpty();
  }
}
