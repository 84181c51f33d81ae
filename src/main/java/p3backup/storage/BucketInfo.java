package p3backup.storage;

import java.time.Instant;

/** A bucket as the account lists it. */
public record BucketInfo(String name, Instant created) {}
