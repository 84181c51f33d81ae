package p3backup.snapshot;

import java.time.Instant;
import java.util.List;
import p3backup.paths.EntryType;

/** A snapshot: the tree as one backup run saw it, entries sorted by path. */
public record Manifest(String id, Instant time, List<ManifestEntry> entries) {
  public Manifest {
    entries = List.copyOf(entries);
  }

  public long files() {
    return entries.stream().filter(e -> e.type() == EntryType.FILE).count();
  }

  public long bytes() {
    return entries.stream().filter(e -> e.type() == EntryType.FILE).mapToLong(ManifestEntry::size).sum();
  }
}
