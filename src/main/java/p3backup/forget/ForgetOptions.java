package p3backup.forget;

import java.time.ZoneId;
import java.util.List;

/**
 * What one forget is asked to do: a policy, or the snapshots named by {@code --snapshot} (ids or
 * unique beginnings of ids), never both.
 *
 * @param keyPrefix "" or the target's prefix ending in "/"
 * @param policy the keep options, or null when snapshots are named
 * @param zone the zone whose local time the policy's hours, days, weeks... are counted in
 * @param jobs delete requests under way at once
 */
public record ForgetOptions(String bucket, String keyPrefix, Policy policy, List<String> snapshots,
    boolean dryRun, int jobs, ZoneId zone) {
  public ForgetOptions {
    snapshots = List.copyOf(snapshots);
    if ((policy == null || policy.isEmpty()) == snapshots.isEmpty()) {
      throw new IllegalArgumentException("give keep options or snapshots to forget, not both, not neither");
    }
  }
}
