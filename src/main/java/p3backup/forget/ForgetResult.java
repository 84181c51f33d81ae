package p3backup.forget;

import java.util.List;
import p3backup.problems.FileProblem;

/**
 * What a forget did (or, with {@code dryRun}, would do): the plan's snapshots, then the counts
 * of what was deleted. {@code versionsDeleted} counts every version and delete marker deleted
 * (on a bucket without versions, each object is its one version); {@code objectsDeleted} the
 * keys left with nothing at all, gone from the bucket; {@code bytesFreed} the bytes of the data
 * versions deleted (the manifests not counted). Each version that could not be deleted is a
 * problem.
 */
public record ForgetResult(String bucket, String prefix, ForgetPlan plan, long objectsDeleted,
    long versionsDeleted, long bytesFreed, List<FileProblem> problems, List<String> warnings,
    boolean dryRun) {}
