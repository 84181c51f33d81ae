package p3backup.storage;

import java.time.Instant;

/**
 * One version of an object, or a delete marker, as a version listing shows it. {@code
 * versionId} is the server's ("null" for a version written while the bucket kept none), or null
 * where the server lists no versions at all (then each current object is listed once, latest).
 */
public record ObjectVersion(String key, String versionId, long size, Instant lastModified,
    boolean latest, boolean deleteMarker) {

  /** What names this version in a delete. */
  public ObjectStore.VersionRef ref() {
    return new ObjectStore.VersionRef(key, versionId);
  }
}
