package p3backup.snapshot;

import java.time.Instant;

/** A snapshot as the listing of {@code .p3backup/snapshots/} shows it. */
public record SnapshotRef(String id, String key, Instant time) {}
