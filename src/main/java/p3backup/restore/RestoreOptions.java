package p3backup.restore;

import java.nio.file.Path;
import p3backup.scan.ExcludeRules;

/**
 * What one restore is asked to do.
 *
 * @param snapshot the snapshot id (or a unique prefix), or null for the latest
 * @param includes patterns selecting what to restore; empty rules restore everything
 * @param partSize objects larger than this are downloaded in ranged parts of this size
 * @param cache where the latest manifest is kept between runs; null for none
 */
public record RestoreOptions(String bucket, String keyPrefix, Path destination, String snapshot,
    boolean overwrite, ExcludeRules includes, int jobs, long partSize,
    p3backup.snapshot.ManifestCache cache) {}
