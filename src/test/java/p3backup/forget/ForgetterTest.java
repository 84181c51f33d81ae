package p3backup.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p3backup.backup.BackupOptions;
import p3backup.backup.BackupRun;
import p3backup.problems.RunListener;
import p3backup.restore.RestoreOptions;
import p3backup.restore.RestoreResult;
import p3backup.restore.Restorer;
import p3backup.scan.ExcludeRules;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.InMemoryObjectStore;
import p3backup.storage.StorageException;

/**
 * Forget on a bucket in memory, after real backups of a tree on Jimfs, one a day: the end state
 * of the bucket after it (kept snapshots whole, forgotten ones gone, what another tool wrote
 * untouched, freed bytes as the bucket lost them), refusals while a backup runs, failed deletes,
 * and a forget killed at each of its stages and run again.
 */
class ForgetterTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final String BUCKET = "bucket";

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return BERLIN;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Stands for kill -9: nothing catches it, nothing after it runs. */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  final TestClock clock = new TestClock(day(1));

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  static Instant day(int n) {
    return LocalDateTime.of(2024, 3, 25, 10, 0).plusDays(n - 1).atZone(BERLIN).toInstant();
  }

  /**
   * Six daily backups (25 to 30 March 2024, across the change to summer time): a.txt changes
   * every day, d{N}.txt appears on day N, old.txt and the empty directory "empty" are deleted
   * locally on day 2, b.txt on day 3 (the backup of day 3 runs with --delete where the bucket
   * keeps versions), after which another tool writes old.txt; foreign.txt is another tool's.
   * Returns the tree's path.
   */
  Path sixDays(InMemoryObjectStore store, boolean versioned) throws Exception {
    store.createBucket(BUCKET, null);
    Path tree = Files.createDirectories(fs.getPath("/data"));
    Files.writeString(tree.resolve("b.txt"), "bbbb");
    Files.writeString(tree.resolve("old.txt"), "old");
    Files.writeString(tree.resolve("same.txt"), "same all along");
    Files.createDirectories(tree.resolve("empty"));
    store.putRaw(BUCKET, "foreign.txt", "not ours".getBytes(StandardCharsets.UTF_8), Map.of());
    for (int d = 1; d <= 6; d++) {
      clock.now = day(d);
      Files.writeString(tree.resolve("a.txt"), "a".repeat(d * 10));
      Files.writeString(tree.resolve("d" + d + ".txt"), "day " + d);
      if (d == 2) {
        Files.delete(tree.resolve("old.txt"));
        Files.delete(tree.resolve("empty"));
      }
      if (d == 3) {
        Files.delete(tree.resolve("b.txt"));
      }
      backup(store, tree, d == 3 && versioned);
      if (d == 3) {
        store.putRaw(BUCKET, "old.txt", "rewritten by another tool".getBytes(StandardCharsets.UTF_8), Map.of());
      }
    }
    clock.now = day(6).plusSeconds(3600);
    return tree;
  }

  void backup(InMemoryObjectStore store, Path tree, boolean delete) throws Exception {
    new BackupRun(store, new BackupOptions(BUCKET, "", tree, ExcludeRules.none(), false, false,
        delete, false, 4, 5L << 20, null, null, null, true, null), clock, RunListener.NONE).run();
  }

  ForgetResult forget(InMemoryObjectStore store, Policy policy, List<String> ids, boolean dryRun)
      throws InterruptedException {
    Forgetter f = new Forgetter(store, new ForgetOptions(BUCKET, "", policy, ids, dryRun, 4, BERLIN),
        clock, RunListener.NONE);
    return f.execute(f.plan());
  }

  static Policy keepLast(int n) {
    return new Policy(n, 0, 0, 0, 0, 0, null);
  }

  static List<String> snapshotIds(InMemoryObjectStore store) {
    return new SnapshotStore(store, BUCKET, "").list().stream().map(SnapshotRef::id).toList();
  }

  /** Bytes of every version outside p3backup's own folder. */
  static long dataBytes(InMemoryObjectStore store) {
    long[] n = {0};
    store.listVersions(BUCKET, "", v -> {
      if (!v.key().startsWith(".p3backup/")) {
        n[0] += v.size();
      }
    });
    return n[0];
  }

  /** Every kept snapshot restores, each file with the content its manifest recorded. */
  void everySnapshotRestores(InMemoryObjectStore store) throws Exception {
    SnapshotStore snapshots = new SnapshotStore(store, BUCKET, "");
    for (SnapshotRef ref : snapshots.list()) {
      Path dest = fs.getPath("/restored-" + ref.id());
      RestoreResult r = new Restorer(store, new RestoreOptions(BUCKET, "", dest, ref.id(), false,
          ExcludeRules.none(), 4, 5L << 20, null), RunListener.NONE).run();
      assertEquals(List.of(), r.problems(), ref.id());
      Manifest m = snapshots.load(ref);
      for (ManifestEntry e : m.entries()) {
        if (e.type() == p3backup.paths.EntryType.FILE) {
          assertEquals(e.size(), Files.size(dest.resolve(e.path())), ref.id() + " " + e.path());
        }
      }
    }
  }

  @Test
  void versionedForgetFreesOnlyWhatTheForgottenSnapshotsHeld() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    List<String> before = snapshotIds(store);
    long bytesBefore = dataBytes(store);

    ForgetResult r = forget(store, keepLast(2), List.of(), false);

    assertEquals(List.of(), r.problems());
    assertEquals(before.subList(4, 6), snapshotIds(store));
    assertEquals(List.of(before.get(5), before.get(4)),
        r.plan().kept().stream().map(k -> k.snapshot().id()).toList());
    assertEquals(List.of(before.get(3), before.get(2), before.get(1), before.get(0)),
        r.plan().removed().stream().map(SnapshotRef::id).toList());
    everySnapshotRestores(store);
    List<String> versions = store.versions(BUCKET);
    // a.txt: the two kept versions; b.txt: every version and its delete marker gone.
    assertEquals(2, versions.stream().filter(v -> v.startsWith("a.txt@")).count(), versions.toString());
    assertFalse(versions.stream().anyMatch(v -> v.startsWith("b.txt@")), versions.toString());
    assertFalse(versions.stream().anyMatch(v -> v.startsWith("empty/@")), versions.toString());
    // What another tool wrote stays: its own object, and its version of old.txt (p3backup's
    // goes, the delete marker under the other tool's version stays).
    assertEquals("not ours", new String(store.bytes(BUCKET, "foreign.txt"), StandardCharsets.UTF_8));
    assertEquals(2, versions.stream().filter(v -> v.startsWith("old.txt@")).count(), versions.toString());
    assertEquals("rewritten by another tool", new String(store.bytes(BUCKET, "old.txt"), StandardCharsets.UTF_8));
    // Nothing of p3backup's own folder but the kept manifests: the versions of finished
    // backups' journals go too.
    assertEquals(2, versions.stream().filter(v -> v.startsWith(".p3backup/")).count(), versions.toString());
    assertEquals(bytesBefore - dataBytes(store), r.bytesFreed());
    // a.txt of days 1-4 (10..40 bytes), b.txt, p3backup's old.txt; d1..d4 stay (kept ones list them)
    assertEquals(100 + 4 + 3, r.bytesFreed());
    assertEquals(2, r.objectsDeleted(), "b.txt and empty/ gone; old.txt stays (another tool's version)");
  }

  @Test
  void unversionedForgetFreesObjectsOnlyForgottenSnapshotsListed() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(false);
    sixDays(store, false);
    List<String> before = snapshotIds(store);
    long bytesBefore = dataBytes(store);

    ForgetResult r = forget(store, keepLast(2), List.of(), false);

    assertEquals(List.of(), r.problems());
    assertEquals(before.subList(4, 6), snapshotIds(store));
    List<String> keys = store.keys(BUCKET);
    assertFalse(keys.contains("b.txt"), "deleted locally on day 3, listed by forgotten snapshots only");
    assertFalse(keys.contains("empty/"), keys.toString());
    assertTrue(keys.containsAll(List.of("a.txt", "same.txt", "d1.txt", "d6.txt", "foreign.txt", "old.txt")), keys.toString());
    assertEquals("rewritten by another tool", new String(store.bytes(BUCKET, "old.txt"), StandardCharsets.UTF_8),
        "a size p3backup never wrote: another tool's object");
    new Restorer(store, new RestoreOptions(BUCKET, "", fs.getPath("/latest"), null, false,
        ExcludeRules.none(), 4, 5L << 20, null), RunListener.NONE).run();
    assertEquals("a".repeat(60), Files.readString(fs.getPath("/latest/a.txt")));
    assertEquals(4, r.bytesFreed());
    assertEquals(bytesBefore - dataBytes(store), r.bytesFreed());
    assertEquals(2, r.objectsDeleted());
    assertEquals(2, r.versionsDeleted());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void whatADeadBackupUploadedIsKeptForTheBackupThatTakesItOver(boolean oldJournal) throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(false);
    sixDays(store, false);
    // A backup died after uploading b.txt again (the same bytes): its journal lists it, in its
    // second segment (or in a journal of one object, as versions before segments wrote it).
    SnapshotStore snapshots = new SnapshotStore(store, BUCKET, "");
    ManifestEntry b = snapshots.load(snapshots.list().get(0)).entries().stream()
        .filter(e -> e.path().equals("b.txt")).findFirst().orElseThrow();
    String host = new p3backup.snapshot.RunGuard(snapshots, clock).owner().get("host");
    Map<String, String> dead = Map.of("host", host, "pid", Long.toString(Long.MAX_VALUE));
    String id = "20240330T120000.000Z";
    if (oldJournal) {
      store.putRaw(BUCKET, snapshots.legacyRunKey(id),
          p3backup.snapshot.ManifestCodec.encode(new Manifest(id, clock.instant(), List.of(b))), dead);
    } else {
      snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), 0, dead);
      snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of(b)), 1, dead);
      snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), 2, dead);
    }
    clock.now = day(7);
    ForgetResult r = forget(store, keepLast(2), List.of(), false);
    assertEquals(List.of(), r.problems());
    assertTrue(store.keys(BUCKET).contains("b.txt"), store.keys(BUCKET).toString());
    assertFalse(store.keys(BUCKET).contains("empty/"));
  }

  @Test
  void dryRunPlansTheSameAndChangesNothing() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    List<String> versions = store.versions(BUCKET);
    ForgetResult dry = forget(store, keepLast(2), List.of(), true);
    assertTrue(dry.dryRun());
    assertEquals(versions, store.versions(BUCKET));
    ForgetResult real = forget(store, keepLast(2), List.of(), false);
    assertEquals(dry.bytesFreed(), real.bytesFreed());
    assertEquals(dry.versionsDeleted(), real.versionsDeleted());
    assertEquals(dry.plan().removed(), real.plan().removed());
  }

  @Test
  void namedSnapshotsAreForgottenAndTheNewestIsRefused() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    List<String> ids = snapshotIds(store);
    ForgetResult r = forget(store, null, List.of(ids.get(0), ids.get(2).substring(0, 12)), false);
    assertEquals(List.of(ids.get(1), ids.get(3), ids.get(4), ids.get(5)), snapshotIds(store));
    assertEquals(10 + 30 + 3, r.bytesFreed(), "a.txt of days 1 and 3, old.txt of day 1; b.txt is still held by day 2");
    everySnapshotRestores(store);
    assertThrows(IllegalArgumentException.class, () -> forget(store, null, List.of(ids.get(5)), false));
    assertEquals(4, snapshotIds(store).size());
    StorageException e = assertThrows(StorageException.class, () -> forget(store, null, List.of("2019"), false));
    assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void aPolicyKeepingEverythingFreesNothing() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    List<String> versions = store.versions(BUCKET);
    ForgetResult r = forget(store, new Policy(0, 0, 7, 0, 0, 0, null), List.of(), false);
    assertEquals(6, r.plan().kept().size());
    assertEquals(versions, store.versions(BUCKET));
    assertEquals(0, r.bytesFreed());
  }

  @Test
  void forgetRefusesWhileABackupRunsAndABackupWhileAForgetRuns() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    Path tree = sixDays(store, true);
    List<String> versions = store.versions(BUCKET);
    String running = ".p3backup/runs/20240330T090000.000Z.jsonl.gz";
    store.putRaw(BUCKET, running, new byte[0], Map.of("host", "another-host", "pid", "1"));
    StorageException e = assertThrows(StorageException.class, () -> forget(store, keepLast(1), List.of(), false));
    assertTrue(e.getMessage().contains(running) && e.getMessage().contains("backing up"), e.getMessage());
    store.delete(BUCKET, List.of(running));
    assertEquals(versions.size() + 2, store.versions(BUCKET).size(), "nothing changed but the journal's");

    String forgetting = ".p3backup/forgets/20240330T090000.000Z.jsonl.gz";
    store.putRaw(BUCKET, forgetting, new byte[0], Map.of("host", "another-host", "pid", "1"));
    Files.writeString(tree.resolve("new.txt"), "new");
    StorageException b = assertThrows(StorageException.class, () -> backup(store, tree, false));
    assertTrue(b.getMessage().contains(forgetting) && b.getMessage().contains("forgetting"), b.getMessage());
    assertEquals(6, snapshotIds(store).size());
  }

  @Test
  void forgetSeesABackupAliveByItsNewestSegmentAndFreesEverySegmentOfAFinishedOne() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    SnapshotStore snapshots = new SnapshotStore(store, BUCKET, "");
    String id = "20240330T090000.000Z";
    Map<String, String> other = Map.of("host", "another-host", "pid", "1");
    for (int seq = 0; seq < 3; seq++) {
      snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), seq, other);
    }
    StorageException e = assertThrows(StorageException.class, () -> forget(store, keepLast(1), List.of(), false));
    assertTrue(e.getMessage().contains(".p3backup/runs/" + id + "/") && e.getMessage().contains("backing up"),
        e.getMessage());
    // The run finishes: its segments are deleted (delete markers on this bucket); forget then
    // deletes every version of every segment, as of any finished run's journal.
    SnapshotStore.RunRef run = snapshots.listAll().runs().get(0);
    assertEquals(3, run.keys().size());
    assertEquals(List.of(), snapshots.deleteRuns(List.of(run)));
    ForgetResult r = forget(store, keepLast(2), List.of(), false);
    assertEquals(List.of(), r.problems());
    List<String> versions = store.versions(BUCKET);
    assertFalse(versions.stream().anyMatch(v -> v.startsWith(".p3backup/runs/")), versions.toString());
  }

  @Test
  void refusedDeletesAreNamedAndTheNextForgetFinishes() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    sixDays(store, true);
    store.beforeDelete(keys -> keys.contains("b.txt") ? List.of("b.txt") : List.of());
    ForgetResult r = forget(store, keepLast(2), List.of(), false);
    assertFalse(r.problems().isEmpty());
    assertTrue(r.problems().stream().allMatch(p -> p.path().startsWith("b.txt (version ")), r.problems().toString());
    assertTrue(store.versions(BUCKET).stream().anyMatch(v -> v.startsWith("b.txt@marker:")),
        "the marker stays while a version of its key does");
    assertTrue(store.versions(BUCKET).stream().anyMatch(v -> v.startsWith(".p3backup/forgets/")), "its journal stays");

    store.beforeDelete(keys -> List.of());
    ForgetResult again = forget(store, keepLast(2), List.of(), false);
    assertEquals(List.of(), again.problems());
    assertTrue(again.plan().removed().isEmpty());
    assertEquals(4, again.bytesFreed());
    List<String> versions = store.versions(BUCKET);
    assertFalse(versions.stream().anyMatch(v -> v.startsWith("b.txt@") || v.startsWith(".p3backup/forgets/")),
        versions.toString());
  }

  /**
   * Killed at its n-th delete request (1: the manifests, 2: the data, 3: the delete markers,
   * 4: the finished backups' journals, 5: its own journal), then run again, with the same policy or one that keeps more: the end state
   * is that of a forget never killed, but for what the second policy keeps.
   */
  @ParameterizedTest(name = "killed at delete request {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void aForgetKilledAtEachStageIsFinishedByTheNext(int stage) throws Exception {
    InMemoryObjectStore reference = new InMemoryObjectStore(true);
    sixDays(reference, true);
    forget(reference, keepLast(2), List.of(), false);
    List<String> expected = contents(reference);

    for (Policy rerun : List.of(keepLast(2), keepLast(5))) {
      InMemoryObjectStore store = new InMemoryObjectStore(true);
      sixDays(store, true);
      killedAt(stage, store);
      everySnapshotRestores(store);

      forget(store, rerun, List.of(), false);
      everySnapshotRestores(store);
      List<String> after = contents(store);
      assertFalse(after.stream().anyMatch(v -> v.startsWith(".p3backup/forgets/")), after.toString());
      if (rerun.last() == 2 || stage > 1) {
        assertEquals(expected, after, "stage " + stage + ", " + rerun);
      } else {
        // killed before any manifest went: the rerun that keeps 5 keeps what they hold
        assertEquals(5, snapshotIds(store).size());
      }
    }
  }

  /** Runs forget --keep-last 2 and kills it at its {@code stage}-th delete request. */
  void killedAt(int stage, InMemoryObjectStore store) {
    AtomicInteger requests = new AtomicInteger();
    store.beforeDelete(keys -> {
      if (requests.incrementAndGet() == stage) {
        throw new Killed();
      }
      return List.of();
    });
    assertThrows(Killed.class, () -> forget(store, keepLast(2), List.of(), false));
    assertEquals(stage, requests.get(), "killed at the request it was meant to");
    store.beforeDelete(keys -> List.of());
  }

  /** The same on a bucket without versions (1: the manifests, 2: the data, 3: its journal). */
  @ParameterizedTest(name = "killed at delete request {0}")
  @ValueSource(ints = {1, 2, 3})
  void aForgetKilledOnABucketWithoutVersionsIsFinishedByTheNext(int stage) throws Exception {
    InMemoryObjectStore reference = new InMemoryObjectStore(false);
    sixDays(reference, false);
    forget(reference, keepLast(2), List.of(), false);

    InMemoryObjectStore store = new InMemoryObjectStore(false);
    sixDays(store, false);
    killedAt(stage, store);
    forget(store, keepLast(2), List.of(), false);
    assertEquals(contents(reference), contents(store), "stage " + stage);
    assertEquals("a".repeat(60), new String(store.bytes(BUCKET, "a.txt"), StandardCharsets.UTF_8));
  }

  /**
   * Every version as key and size (or "marker"; p3backup's own objects by key alone, their
   * version ids inside vary), sorted: comparable across stores.
   */
  static List<String> contents(InMemoryObjectStore store) {
    List<String> out = new ArrayList<>();
    store.listVersions(BUCKET, "", v -> out.add(v.key().startsWith(".p3backup/") ? v.key()
        : v.key() + "@" + (v.deleteMarker() ? "marker" : v.size())));
    out.sort(null);
    return out;
  }

  @Test
  void thousandsOfVersionsGoInRequestsOfAThousand() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    store.createBucket(BUCKET, null);
    Path tree = Files.createDirectories(fs.getPath("/many"));
    for (int i = 0; i < 2500; i++) {
      Files.writeString(tree.resolve("f" + i), "x");
    }
    clock.now = day(1);
    backup(store, tree, false);
    for (int i = 0; i < 2500; i++) {
      Files.writeString(tree.resolve("f" + i), "yy");
    }
    clock.now = day(2);
    backup(store, tree, false);
    List<Integer> sizes = new ArrayList<>();
    store.beforeDelete(keys -> {
      synchronized (sizes) {
        sizes.add(keys.size());
      }
      return List.of();
    });
    ForgetResult r = forget(store, keepLast(1), List.of(), false);
    assertEquals(2500, r.versionsDeleted());
    assertEquals(2500, r.bytesFreed());
    assertTrue(sizes.stream().allMatch(n -> n <= 1000), sizes.toString());
    assertEquals(2500, store.keys(BUCKET).stream().filter(k -> k.startsWith("f")).count());
  }
}
