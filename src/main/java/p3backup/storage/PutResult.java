package p3backup.storage;

/** What the server answered to a finished upload; versionId is null where none is kept. */
public record PutResult(String versionId) {}
