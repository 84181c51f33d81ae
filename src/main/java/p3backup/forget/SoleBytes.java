package p3backup.forget;

import java.util.HashMap;
import java.util.Map;
import p3backup.paths.EntryType;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;

/**
 * The bytes each snapshot alone holds: what {@code forget} of that one snapshot would free, by
 * the rules of {@link Freeable}, from the manifests alone. A version (path and version id) named
 * by one snapshot only counts for it; an object without a version id counts for a snapshot when
 * no other snapshot lists its path at all. Manifests are added one at a time and let go.
 */
public final class SoleBytes {
  private static final int NONE = -1;
  private static final int SHARED = -2;

  private final Map<String, Path> byPath = new HashMap<>();

  /** Who lists one path, and who names each of its versions. */
  private static final class Path {
    int lister = NONE;
    final Map<String, long[]> versions = new HashMap<>(); // version id (null: none) -> {owner, size}
  }

  /** Adds the manifest of the {@code index}-th snapshot. */
  public void add(int index, Manifest m) {
    for (ManifestEntry e : m.entries()) {
      if (!e.hasObject()) {
        continue;
      }
      Path p = byPath.computeIfAbsent((e.type() == EntryType.DIR ? "d:" : "f:") + e.path(), k -> new Path());
      p.lister = merge(p.lister, index);
      long[] use = p.versions.computeIfAbsent(Freeable.versionOf(e.versionId()),
          k -> new long[] {index, e.size()});
      use[0] = merge((int) use[0], index);
    }
  }

  /** The bytes only it holds, for each of {@code count} snapshots by index. */
  public long[] totals(int count) {
    long[] totals = new long[count];
    for (Path p : byPath.values()) {
      for (Map.Entry<String, long[]> v : p.versions.entrySet()) {
        int owner = v.getKey() == null ? p.lister : (int) v.getValue()[0];
        if (owner >= 0 && owner < count) {
          totals[owner] += v.getValue()[1];
        }
      }
    }
    return totals;
  }

  private static int merge(int owner, int index) {
    return owner == NONE || owner == index ? index : SHARED;
  }
}
