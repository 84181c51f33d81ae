package p3backup.backup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warnings of a bucket's creation (one per protection the server did not set, as {@link
 * p3backup.storage.ObjectStore#createBucket} returns them) said in one line that lists what the
 * server did not take, instead of one line each.
 */
final class BucketWarnings {
  /** One warning as the object store words it: what was not set, and the server's reason. */
  private static final Pattern ONE = Pattern.compile(
      "bucket (\\S+): the server did not set (.+) \\(([^()]+)\\); going on without it");

  private BucketWarnings() {}

  static Optional<String> merge(String bucket, List<String> warnings) {
    if (warnings.size() <= 1) {
      return warnings.stream().findFirst();
    }
    List<String> what = new ArrayList<>();
    Set<String> reasons = new LinkedHashSet<>();
    List<String> plain = new ArrayList<>();
    for (String w : warnings) {
      Matcher m = ONE.matcher(w);
      if (m.matches() && m.group(1).equals(bucket)) {
        what.add(m.group(2));
        reasons.add(m.group(3));
        plain.add(m.group(2) + " (" + m.group(3) + ")");
      } else {
        String prefix = "bucket " + bucket + ": ";
        plain.add(w.startsWith(prefix) ? w.substring(prefix.length()) : w);
      }
    }
    if (what.size() == warnings.size() && reasons.size() == 1) {
      return Optional.of("bucket " + bucket + ": this server does not take " + list(what) + " ("
          + reasons.iterator().next() + "); going on without them");
    }
    if (what.size() == warnings.size()) {
      return Optional.of("bucket " + bucket + ": this server does not take " + list(plain)
          + "; going on without them");
    }
    return Optional.of("bucket " + bucket + ": " + String.join("; ", plain));
  }

  /** "a, b or c". */
  private static String list(List<String> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
  }
}
