package p3backup.verify;

import java.nio.file.Path;

/**
 * What one verify is asked to do.
 *
 * @param snapshot the snapshot id (or a unique prefix), or null for the latest
 * @param directory a local tree to compare with the snapshot, or null
 * @param cache where the latest manifest is kept between runs; null for none
 */
public record VerifyOptions(String bucket, String keyPrefix, String snapshot, boolean readData,
    Path directory, int jobs, p3backup.snapshot.ManifestCache cache) {}
