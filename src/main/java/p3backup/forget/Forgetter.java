package p3backup.forget;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import p3backup.forget.Freeable.Doomed;
import p3backup.forget.Retention.Decision;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestException;
import p3backup.snapshot.RunGuard;
import p3backup.snapshot.SnapshotId;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.ObjectStore;
import p3backup.storage.ObjectStore.VersionProblem;
import p3backup.storage.ObjectStore.VersionRef;
import p3backup.storage.ObjectVersion;

/**
 * One forget: {@link #plan} decides, from the snapshot listing, every manifest and one version
 * listing, what goes; {@link #execute} removes it. Nothing is changed before the plan is whole.
 *
 * <p>What the journal of a backup that died lists (every segment of it) counts as kept: the
 * next backup takes those files over as uploaded. The journals of finished backups, every
 * version of every segment where the bucket keeps versions, go.
 *
 * <p>Order, and what a forget that dies leaves: it refuses while a backup or another forget
 * runs on the target (their fresh journals, {@link RunGuard}); it writes its own journal,
 * listing every data version it will delete, before deleting anything; then it deletes every
 * version of the forgotten snapshots' manifests; then the data versions they alone held, in
 * batches of 1,000, {@code jobs} at once; delete markers last, once all other versions of
 * their key are gone; then its journal. Killed before the manifests go, nothing is lost and the
 * next forget plans the same again. Killed after, the data no manifest names any more is
 * listed in the journal left behind, and the next forget (any policy) reads that journal as if
 * it were the manifests it lost and frees what is still there and no kept snapshot names: the
 * same rules, so nothing a kept snapshot needs and nothing p3backup did not write is ever
 * deleted. A delete that fails leaves the journal too (exit 3), and the next forget finishes.
 */
public final class Forgetter {
  private final ObjectStore store;
  private final ForgetOptions options;
  private final Clock clock;
  private final RunListener listener;
  private final Problems problems;
  private final SnapshotStore snapshots;
  private final RunGuard guard;

  public Forgetter(ObjectStore store, ForgetOptions options, Clock clock, RunListener listener) {
    this.store = store;
    this.options = options;
    this.clock = clock;
    this.listener = listener;
    this.problems = new Problems(listener);
    this.snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix());
    this.guard = new RunGuard(snapshots, clock);
  }

  /**
   * Decides what goes, changing nothing. Throws StorageException when a backup or forget runs
   * on the target, or a named snapshot is not there; IllegalArgumentException when a name is
   * ambiguous or names the newest snapshot.
   */
  public ForgetPlan plan() {
    listener.phase("plan");
    snapshots.requireBucket();
    SnapshotStore.Listing listing = snapshots.listAll();
    List<RunRef> interrupted = new ArrayList<>();
    List<RunRef> deadBackups = new ArrayList<>();
    for (RunRef run : listing.runs()) {
      if (!refuseIfAlive(run, "backing up to")) {
        deadBackups.add(run);
      }
    }
    for (RunRef f : listing.forgets()) {
      if (!refuseIfAlive(f, "forgetting snapshots of")) {
        interrupted.add(f);
      }
    }
    List<SnapshotRef> refs = listing.snapshots();
    Decision decision = decide(refs);
    Set<String> removedIds = new HashSet<>();
    decision.removed().forEach(s -> removedIds.add(s.id()));

    Freeable freeable = new Freeable(options.keyPrefix());
    List<SnapshotRef> removed = new ArrayList<>();
    Set<String> manifestKeys = new HashSet<>();
    for (SnapshotRef ref : refs) {
      if (removedIds.contains(ref.id())) {
        freeable.forgotten(snapshots.load(ref));
        removed.add(ref);
        manifestKeys.add(ref.key());
      } else {
        freeable.kept(snapshots.load(ref));
      }
    }
    // What a backup that died uploaded, the next backup takes over as present: it is kept.
    for (RunRef run : deadBackups) {
      try {
        snapshots.loadRun(run).ifPresent(freeable::kept);
      } catch (ManifestException | java.io.UncheckedIOException e) {
        problems.warn(e.getMessage() + "; the next backup uploads its files again");
      }
    }
    List<RunRef> readable = new ArrayList<>();
    for (RunRef f : interrupted) {
      try {
        if (ForgetJournal.takeOver(snapshots, f, freeable)) {
          readable.add(f);
        }
      } catch (ManifestException | java.io.UncheckedIOException e) {
        problems.warn(e.getMessage() + "; what that forget was deleting stays in the bucket");
      }
    }
    List<ObjectVersion> manifests = new ArrayList<>();
    List<ObjectVersion> data = new ArrayList<>();
    Map<String, List<ObjectVersion>> journals = new HashMap<>();
    if (!removed.isEmpty() || !readable.isEmpty()) {
      String reserved = snapshots.reservedPrefix();
      String runs = snapshots.runsPrefix();
      store.listVersions(options.bucket(), options.keyPrefix(), v -> {
        if (v.key().startsWith(reserved)) {
          if (manifestKeys.contains(v.key())) {
            manifests.add(v);
          } else if (v.key().startsWith(runs) && v.versionId() != null) {
            journals.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
          }
        } else if (freeable.concerns(v.key())) {
          data.add(v);
        }
      });
    }
    // A finished backup's journal: each of its segments (a key of its own) deleted, its latest
    // version a delete marker.
    List<ObjectVersion> finished = new ArrayList<>();
    for (List<ObjectVersion> versions : journals.values()) {
      if (versions.stream().anyMatch(v -> v.latest() && v.deleteMarker())) {
        finished.addAll(versions);
      }
    }
    removed.sort((a, b) -> b.id().compareTo(a.id()));
    return new ForgetPlan(decision.kept(), removed, manifests, freeable.select(data), readable, finished);
  }

  private boolean refuseIfAlive(RunRef run, String what) {
    if (!guard.alive(run)) {
      return false;
    }
    if (!options.dryRun()) {
      throw guard.busy(run, what);
    }
    problems.warn("another p3backup run (" + run.id() + ") is " + what + " on this target");
    return true;
  }

  private Decision decide(List<SnapshotRef> refs) {
    List<Retention.Snapshot> list = refs.stream().map(r -> new Retention.Snapshot(r.id(), r.time())).toList();
    if (options.snapshots().isEmpty()) {
      return Retention.apply(list, options.policy(), options.zone(), clock.instant());
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String name : options.snapshots()) {
      ids.add(snapshots.require(refs, name).id());
    }
    return Retention.named(list, ids);
  }

  /** Carries out a plan (with --dry-run, only counts what it would free). */
  public ForgetResult execute(ForgetPlan plan) throws InterruptedException {
    List<Doomed> doomed = plan.data().versions();
    if (options.dryRun() || plan.changesNothing()) {
      return result(plan, plan.data().emptiedKeys().size(), doomed.size(), plan.data().bytes());
    }
    try (ForgetJournal journal = new ForgetJournal(snapshots, store, options, guard, clock, problems)) {
      journal.start(SnapshotId.of(clock.instant()), doomed);
      Deleter deleter = new Deleter(store, options.bucket(), options.jobs(), listener);

      // The manifests first: a snapshot whose manifest stays keeps all it names.
      listener.phase("forget");
      listener.totals(plan.manifests().size(), 0);
      Set<String> failedManifests = new HashSet<>();
      Set<String> listed = new HashSet<>();
      plan.manifests().forEach(v -> listed.add(v.key()));
      for (SnapshotRef ref : plan.removed()) {
        if (!listed.contains(ref.key())) {
          failedManifests.add(ref.key());
          problems.add(ref.key().substring(options.keyPrefix().length()), "manifest not in the"
              + " version listing, so not deleted; the snapshot stays, with all it holds");
        }
      }
      for (VersionProblem p : deleter.delete(plan.manifests().stream().map(ObjectVersion::ref).toList())) {
        failedManifests.add(p.version().key());
        problems.add(p.version().key().substring(options.keyPrefix().length()),
            "manifest not deleted: " + p.message() + "; the snapshot stays, with all it holds");
      }
      Set<String> spared = spared(plan, failedManifests);

      // Then the data: versions first, a key's delete markers once its versions are gone.
      List<VersionRef> versions = new ArrayList<>();
      List<Doomed> markers = new ArrayList<>();
      Map<VersionRef, Long> sizes = new HashMap<>();
      for (Doomed d : doomed) {
        if (spared.contains(d.ref().key())) {
          continue;
        }
        sizes.put(d.ref(), d.size());
        if (d.deleteMarker()) {
          markers.add(d);
        } else {
          versions.add(d.ref());
        }
      }
      listener.phase("delete");
      listener.totals(versions.size() + markers.size(), plan.data().bytes());
      Set<String> failedKeys = new HashSet<>(spared);
      Set<VersionRef> failed = new HashSet<>();
      for (VersionProblem p : deleter.delete(versions)) {
        failed(p, failedKeys, failed);
      }
      List<VersionRef> markerRefs = new ArrayList<>();
      for (Doomed m : markers) {
        if (!failedKeys.contains(m.ref().key())) {
          markerRefs.add(m.ref());
        }
      }
      for (VersionProblem p : deleter.delete(markerRefs)) {
        failed(p, failedKeys, failed);
      }
      long count = 0;
      long bytes = 0;
      for (VersionRef r : versions) {
        if (!failed.contains(r)) {
          count++;
          bytes += sizes.get(r);
        }
      }
      for (VersionRef r : markerRefs) {
        count += failed.contains(r) ? 0 : 1;
      }
      long objects = plan.data().emptiedKeys().stream().filter(k -> !failedKeys.contains(k)).count();
      for (VersionProblem p : deleter.delete(plan.finishedJournals().stream().map(ObjectVersion::ref).toList())) {
        problems.warn("could not delete " + p.version().key() + " (version " + p.version().versionId()
            + "), the journal of a finished run: " + p.message());
      }
      if (problems.isEmpty()) {
        journal.finish(plan.interrupted());
      } else {
        journal.leave(plan.interrupted());
      }
      return result(plan, objects, count, bytes);
    }
  }

  private void failed(VersionProblem p, Set<String> failedKeys, Set<VersionRef> failed) {
    failedKeys.add(p.version().key());
    failed.add(p.version());
    String v = p.version().versionId();
    problems.add(p.version().key().substring(options.keyPrefix().length())
        + (v == null ? "" : " (version " + v + ")"), "not deleted: " + p.message());
  }

  /** The keys that the snapshots whose manifests could not be deleted list: none of them goes. */
  private Set<String> spared(ForgetPlan plan, Set<String> failedManifests) {
    Set<String> keys = new HashSet<>();
    for (SnapshotRef ref : plan.removed()) {
      if (failedManifests.contains(ref.key())) {
        for (ManifestEntry e : snapshots.load(ref).entries()) {
          if (e.hasObject()) {
            keys.add(KeyMapper.objectKey(options.keyPrefix(), e.path(), e.type() == EntryType.DIR));
          }
        }
      }
    }
    return keys;
  }

  private ForgetResult result(ForgetPlan plan, long objects, long versions, long bytes) {
    return new ForgetResult(options.bucket(), options.keyPrefix(), plan, objects, versions, bytes,
        problems.sorted(), problems.warnings(), options.dryRun());
  }
}
