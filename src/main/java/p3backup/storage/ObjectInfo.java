package p3backup.storage;

import java.time.Instant;

/** An object as a listing shows it. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
