package p3backup.snapshot;

import java.time.Instant;

/**
 * A snapshot as the listing of {@code .p3backup/snapshots/} shows it: its id, object key and
 * time, and the object's ETag and size (null and -1 where unknown), which tell a cached copy of
 * the manifest from a stale one.
 */
public record SnapshotRef(String id, String key, Instant time, String etag, long size) {
  public SnapshotRef(String id, String key, Instant time) {
    this(id, key, time, null, -1);
  }
}
