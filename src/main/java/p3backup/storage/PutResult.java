package p3backup.storage;

/**
 * What the server answered to a finished upload: the new version (null where none is kept) and
 * the object's ETag as the server spells it (null where it gave none).
 */
public record PutResult(String versionId, String etag) {
  public PutResult(String versionId) {
    this(versionId, null);
  }
}
