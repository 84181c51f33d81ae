package p3backup.forget;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which snapshots a policy keeps, and why: restic's {@code ApplyPolicy}, on snapshot times seen
 * in a given zone. Pure: times in, decisions out.
 *
 * <p>Snapshots are taken newest first (ties by id, the later id first). A snapshot is kept
 * within when it is after the newest snapshot's time (the newest not after {@code now}) less the
 * span. For each keep count with counts left, it is kept when its bucket value (hour, day, ISO
 * week, month, year, or its own place for {@code last}) differs from that of the last snapshot
 * the count kept; the oldest snapshot of all is kept by every count that still has counts left
 * ("oldest daily" when its bucket was already kept), which keeps the longest history the counts
 * allow. Each count kept uses one. A snapshot kept for several reasons lists them all.
 */
public final class Retention {
  private Retention() {}

  /** A snapshot as the policy sees it. */
  public record Snapshot(String id, Instant time) {}

  /** A snapshot kept, with every reason that keeps it. */
  public record Kept(Snapshot snapshot, List<String> reasons) {
    public Kept {
      reasons = List.copyOf(reasons);
    }
  }

  /** The snapshots kept and those to forget, each newest first. */
  public record Decision(List<Kept> kept, List<Snapshot> removed) {
    public Decision {
      kept = List.copyOf(kept);
      removed = List.copyOf(removed);
    }
  }

  static final Comparator<Snapshot> NEWEST_FIRST =
      Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed();

  /** Applies a policy that is not empty. */
  public static Decision apply(List<Snapshot> snapshots, Policy policy, ZoneId zone, Instant now) {
    if (policy.isEmpty()) {
      throw new IllegalArgumentException("an empty policy would forget every snapshot");
    }
    List<Snapshot> list = new ArrayList<>(snapshots);
    list.sort(NEWEST_FIRST);
    Instant within = null;
    boolean allWithin = false;
    if (policy.within() != null && !policy.within().zero()) {
      Instant latest = list.stream().map(Snapshot::time).filter(t -> t.isBefore(now))
          .max(Comparator.naturalOrder()).orElse(null);
      if (latest == null) {
        allWithin = true; // every snapshot is in the future: nothing to measure back from
      } else {
        within = policy.within().before(latest, zone);
      }
    }
    Bucket[] buckets = Bucket.values();
    int[] left = new int[buckets.length];
    long[] lastValue = new long[buckets.length];
    for (Bucket b : buckets) {
      left[b.ordinal()] = policy.count(b);
    }
    Arrays.fill(lastValue, -1);

    List<Kept> kept = new ArrayList<>();
    List<Snapshot> removed = new ArrayList<>();
    for (int nr = 0; nr < list.size(); nr++) {
      Snapshot cur = list.get(nr);
      boolean oldest = nr == list.size() - 1;
      List<String> reasons = new ArrayList<>();
      if (allWithin || (within != null && cur.time().isAfter(within))) {
        reasons.add("within " + policy.within());
      }
      for (Bucket b : buckets) {
        int i = b.ordinal();
        if (left[i] > 0 || left[i] == Policy.ALL) {
          long value = b.value(cur.time().atZone(zone), nr);
          if (value != lastValue[i] || oldest) {
            reasons.add(value == lastValue[i] ? "oldest " + b.reason : b.reason);
            lastValue[i] = value;
            if (left[i] > 0) {
              left[i]--;
            }
          }
        }
      }
      if (reasons.isEmpty()) {
        removed.add(cur);
      } else {
        kept.add(new Kept(cur, reasons));
      }
    }
    return new Decision(kept, removed);
  }

  /**
   * Forgets exactly the snapshots whose ids are given, keeping the rest ("not named"). Throws
   * IllegalArgumentException when one of them is the newest snapshot, which is always kept.
   */
  public static Decision named(List<Snapshot> snapshots, Set<String> ids) {
    List<Snapshot> list = new ArrayList<>(snapshots);
    list.sort(NEWEST_FIRST);
    if (!list.isEmpty() && ids.contains(list.get(0).id())) {
      throw new IllegalArgumentException("snapshot " + list.get(0).id() + " is the newest one,"
          + " which forget always keeps: nothing was forgotten; back up again first, or leave it out");
    }
    List<Kept> kept = new ArrayList<>();
    List<Snapshot> removed = new ArrayList<>();
    for (Snapshot s : list) {
      if (ids.contains(s.id())) {
        removed.add(s);
      } else {
        kept.add(new Kept(s, List.of("not named")));
      }
    }
    return new Decision(kept, removed);
  }
}
