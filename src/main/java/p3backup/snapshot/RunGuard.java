package p3backup.snapshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.StorageException;

/**
 * Tells the journal of a run under way on a target (a backup's segments under {@code runs/ID/},
 * a forget's object under {@code forgets/}) from one left by a run that is gone: a journal is
 * live when it was written within {@link #STALE} (its heartbeat: a backup's newest segment, a
 * forget's rewritten object) and, when written on this host, its process still runs (host and
 * pid from the metadata of that newest object). Backup and forget both ask it, so that neither starts while the other runs.
 */
public final class RunGuard {
  /** A journal not rewritten for this long belongs to a run that is gone. */
  public static final Duration STALE = Duration.ofMinutes(2);
  /**
   * How often a backup writes a segment of its journal while files land, and how often a run
   * looks whether its heartbeat is due (the system property {@code p3backup.journal.millis}
   * changes it).
   */
  public static final Duration HEARTBEAT = Duration.ofMillis(Long.getLong("p3backup.journal.millis", 1_000L));

  private final SnapshotStore snapshots;
  private final Clock clock;
  private final String host = hostName();
  private final long pid = ProcessHandle.current().pid();

  public RunGuard(SnapshotStore snapshots, Clock clock) {
    this.snapshots = snapshots;
    this.clock = clock;
  }

  /** What goes in this run's journal's metadata, for {@link #alive} of another run. */
  public Map<String, String> owner() {
    return Map.of("host", host, "pid", Long.toString(pid));
  }

  /** Whether the run that writes this journal is under way (never this process's own). */
  public boolean alive(RunRef run) {
    Instant now = clock.instant();
    if (run.lastWritten() == null || run.lastWritten().isBefore(now.minus(STALE))) {
      return false;
    }
    Map<String, String> owner;
    try {
      owner = snapshots.runOwner(run);
    } catch (StorageException e) {
      if (e.kind() == StorageException.Kind.NOT_FOUND) {
        return false; // it finished meanwhile
      }
      throw e;
    }
    if (host.equals(owner.get("host"))) {
      try {
        long other = Long.parseLong(owner.getOrDefault("pid", "-1"));
        return other != pid && ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return true;
  }

  /** The refusal to start while {@code run} (a backup or a forget, as {@code what} says) runs. */
  public StorageException busy(RunRef run, String what) {
    return new StorageException(StorageException.Kind.CLIENT, "another p3backup run is " + what
        + " this target (its journal " + where(run) + " was written at " + run.lastWritten()
        + "): wait for it to finish; if it is not running, run again after "
        + STALE.toMinutes() + " minutes or delete " + (segmented(run) ? "those objects" : "that object"),
        null);
  }

  /** A backup's journal in segments: named by their folder, runs/ID/. */
  private static boolean segmented(RunRef run) {
    return run.key().contains("/" + run.id() + "/");
  }

  private static String where(RunRef run) {
    return segmented(run) ? run.key().substring(0, run.key().lastIndexOf('/') + 1) : run.key();
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      h = System.getenv("COMPUTERNAME");
    }
    if (h == null || h.isBlank()) {
      try {
        h = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).trim();
      } catch (java.io.IOException | RuntimeException e) {
        h = "";
      }
    }
    return h.isBlank() ? "unknown" : h;
  }
}
