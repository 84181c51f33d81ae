package p3backup.restore;

import java.util.List;
import p3backup.problems.FileProblem;

/**
 * What a restore did. {@code snapshot} is null when the bucket had no manifest and its listing
 * was restored instead.
 */
public record RestoreResult(String bucket, String prefix, String snapshot, long filesRestored,
    long filesIdentical, long dirs, long links, long bytesDownloaded, List<FileProblem> problems,
    List<String> warnings) {}
