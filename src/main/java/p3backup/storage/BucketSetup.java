package p3backup.storage;

/** How a bucket that p3backup creates is set up. */
public record BucketSetup(boolean versioning) {}
