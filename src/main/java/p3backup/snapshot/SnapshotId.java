package p3backup.snapshot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Snapshot ids are the run's UTC time to the millisecond, {@code 20261126T151845.123Z}: they
 * sort as they were taken and name the manifest object.
 */
public final class SnapshotId {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private SnapshotId() {}

  public static String of(Instant time) {
    return FORMAT.format(time.truncatedTo(ChronoUnit.MILLIS));
  }

  /** A new id for a run at {@code now} that sorts after {@code previous}, if any. */
  public static String next(Instant now, String previous) {
    Instant t = now;
    if (previous != null) {
      Optional<Instant> p = parse(previous);
      if (p.isPresent() && !t.isAfter(p.get())) {
        t = p.get().plusMillis(1);
      }
    }
    return of(t);
  }

  public static Optional<Instant> parse(String id) {
    try {
      return Optional.of(FORMAT.parse(id, Instant::from));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
