package p3backup.forget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.storage.ObjectStore.VersionRef;
import p3backup.storage.ObjectVersion;

/**
 * What forgetting some snapshots frees, from their manifests, the kept ones' manifests and one
 * listing of the versions under the target. Pure: it sends no request.
 *
 * <ul>
 *   <li>A version with an id is freed when a forgotten manifest names exactly that (path,
 *       version) and no kept manifest does (nor does a kept manifest that names the path
 *       without a version id, and so needs whatever is current, when it is the current one).
 *   <li>Where a forgotten manifest lists a path without a version id (a bucket that keeps none,
 *       or a directory's marker object), the object or versions at that path are freed when no
 *       kept manifest lists the path at all and the size is one a forgotten manifest recorded
 *       for it: an object another tool wrote there since is left alone.
 *   <li>A delete marker (left by {@code backup --delete}) is freed when a forgotten manifest
 *       listed its path, no kept one does, and every other version of the key is freed too: so
 *       that no version p3backup did not write comes back into view.
 * </ul>
 *
 * Nothing that no manifest (or an interrupted forget's journal, which only ever holds what
 * manifests named) names is ever selected. Memory holds one small record per path, not one per
 * manifest entry.
 */
public final class Freeable {
  private final String keyPrefix;
  private final Map<String, Names> byKey = new HashMap<>();

  /** What the manifests say of one key. */
  private static final class Names {
    boolean listedByKept;
    boolean keptNeedsCurrent;
    final Set<String> keptVersions = new HashSet<>();
    final Set<String> forgottenVersions = new HashSet<>();
    final Set<Long> forgottenUnversionedSizes = new HashSet<>();

    boolean forgottenAny() {
      return !forgottenVersions.isEmpty() || !forgottenUnversionedSizes.isEmpty();
    }
  }

  /** One version to delete, with its size as listed. */
  public record Doomed(VersionRef ref, long size, boolean deleteMarker) {}

  /**
   * The versions to delete, in key order, and the keys that are left with no version at all
   * once they are all deleted (the objects that leave the bucket).
   */
  public record Selection(List<Doomed> versions, Set<String> emptiedKeys) {
    public long bytes() {
      return versions.stream().mapToLong(Doomed::size).sum();
    }
  }

  /** @param keyPrefix "" or the target's prefix ending in "/" */
  public Freeable(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /** A manifest of a snapshot that stays: what it names is never freed. */
  public void kept(Manifest m) {
    for (ManifestEntry e : m.entries()) {
      if (e.hasObject()) {
        Names n = names(key(e));
        n.listedByKept = true;
        String v = versionOf(e.versionId());
        if (v == null) {
          n.keptNeedsCurrent = true;
        } else {
          n.keptVersions.add(v);
        }
      }
    }
  }

  /** A manifest of a snapshot being forgotten. */
  public void forgotten(Manifest m) {
    for (ManifestEntry e : m.entries()) {
      if (e.hasObject()) {
        forgotten(key(e), e.versionId(), e.size());
      }
    }
  }

  /** A version a forgotten manifest named (from an interrupted forget's journal). */
  public void forgotten(String key, String versionId, long size) {
    Names n = names(key);
    String v = versionOf(versionId);
    if (v == null) {
      n.forgottenUnversionedSizes.add(size);
    } else {
      n.forgottenVersions.add(v);
    }
  }

  /** Whether some manifest (kept or forgotten) names this key: only such keys are ever freed. */
  public boolean concerns(String key) {
    return byKey.containsKey(key);
  }

  /** The versions of the listing that are freed (see the class comment). */
  public Selection select(Iterable<ObjectVersion> listing) {
    Map<String, List<ObjectVersion>> grouped = new LinkedHashMap<>();
    for (ObjectVersion v : listing) {
      if (byKey.containsKey(v.key())) {
        grouped.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
      }
    }
    List<Doomed> doomed = new ArrayList<>();
    Set<String> emptied = new HashSet<>();
    for (Map.Entry<String, List<ObjectVersion>> g : grouped.entrySet()) {
      Names n = byKey.get(g.getKey());
      if (!n.forgottenAny()) {
        continue;
      }
      List<ObjectVersion> markers = new ArrayList<>();
      boolean allFreed = true;
      for (ObjectVersion v : g.getValue()) {
        if (v.deleteMarker()) {
          markers.add(v);
        } else if (freed(n, v)) {
          doomed.add(new Doomed(v.ref(), v.size(), false));
        } else {
          allFreed = false;
        }
      }
      if (allFreed && !n.listedByKept) {
        for (ObjectVersion m : markers) {
          doomed.add(new Doomed(m.ref(), 0, true));
        }
        emptied.add(g.getKey());
      }
    }
    return new Selection(doomed, emptied);
  }

  private static boolean freed(Names n, ObjectVersion v) {
    String id = versionOf(v.versionId());
    boolean unversionedMatch = !n.listedByKept && n.forgottenUnversionedSizes.contains(v.size());
    if (id == null) {
      return unversionedMatch;
    }
    // A directory's marker object is recorded without a version id even where the bucket
    // keeps versions: it is matched by path and size, as on a bucket without versions.
    return unversionedMatch || (n.forgottenVersions.contains(id) && !n.keptVersions.contains(id)
        && !(n.keptNeedsCurrent && v.latest()));
  }

  private Names names(String key) {
    return byKey.computeIfAbsent(key, k -> new Names());
  }

  private String key(ManifestEntry e) {
    return KeyMapper.objectKey(keyPrefix, e.path(), e.type() == EntryType.DIR);
  }

  /** A version id, or null for none: S3's "null" version is the object of a bucket without versions. */
  static String versionOf(String versionId) {
    return versionId == null || versionId.equals("null") ? null : versionId;
  }
}
