package p3backup.backup;

import java.nio.file.Path;
import p3backup.scan.ExcludeRules;

/**
 * What one backup run is asked to do.
 *
 * @param bucket the bucket
 * @param keyPrefix "" or the target's prefix ending in "/"
 * @param root the directory to back up
 * @param jobs parallel transfers
 * @param partSize multipart part size, and the size above which uploads are multipart
 * @param cache where the latest manifest is kept between runs; null for none
 */
public record BackupOptions(
    String bucket, String keyPrefix, Path root, ExcludeRules excludes, boolean followLinks,
    boolean checksum, boolean delete, boolean dryRun, int jobs, long partSize,
    String storageClass, String sse, String sseKmsKeyId, boolean versioning,
    p3backup.snapshot.ManifestCache cache) {}
