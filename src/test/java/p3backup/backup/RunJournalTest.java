package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import p3backup.paths.EntryType;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.ExcludeRules;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestCodec;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.RunGuard;
import p3backup.snapshot.SnapshotStore;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.InMemoryObjectStore;
import p3backup.storage.ObjectInfo;
import p3backup.storage.ObjectStore;
import p3backup.storage.StorageException;

/**
 * The run journal in segments, on a bucket in memory: each segment holds only what landed since
 * the one before, an empty one goes up as the heartbeat, a dead run's segments (or its journal of
 * one object, as older versions wrote it) are taken over from the one listing, a run's liveness
 * and owner come from its newest segment, and every segment goes once the run is done.
 */
class RunJournalTest {
  static final String BUCKET = "bucket";
  static final Map<String, String> DEAD_HERE =
      Map.of("host", hostOfThisMachine(), "pid", Long.toString(Long.MAX_VALUE));
  static final Map<String, String> ELSEWHERE = Map.of("host", "another-host", "pid", "1");

  /** A clock the test moves, near the real time (the store stamps objects with the real time). */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.now();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
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

  /**
   * The store in memory, seen through a wrapper that counts listings, records the size of each
   * delete request, lists some keys with a LastModified of the test's choosing, and can fail puts.
   */
  final InMemoryObjectStore memory = new InMemoryObjectStore(true);
  final AtomicInteger listings = new AtomicInteger();
  final List<Integer> deleteRequests = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Instant> listedTime = new ConcurrentHashMap<>();
  volatile Predicate<String> failPut = k -> false;
  final ObjectStore store = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
      new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
        switch (method.getName()) {
          case "list" -> {
            listings.incrementAndGet();
            @SuppressWarnings("unchecked")
            Consumer<ObjectInfo> each = (Consumer<ObjectInfo>) args[2];
            memory.list((String) args[0], (String) args[1], o -> each.accept(new ObjectInfo(o.key(),
                o.size(), o.etag(), listedTime.getOrDefault(o.key(), o.lastModified()))));
            return null;
          }
          case "delete" -> deleteRequests.add(((List<?>) args[1]).size());
          case "put" -> {
            if (failPut.test((String) args[1])) {
              throw new StorageException(StorageException.Kind.SERVER, "503 SlowDown", null);
            }
          }
          default -> { }
        }
        try {
          return method.invoke(memory, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  final SnapshotStore snapshots = new SnapshotStore(store, BUCKET, "");
  final TestClock clock = new TestClock();
  final Problems problems = new Problems(RunListener.NONE);

  RunJournalTest() {
    memory.createBucket(BUCKET, null);
  }

  static String hostOfThisMachine() {
    return new RunGuard(null, Clock.systemUTC()).owner().get("host");
  }

  static BackupOptions options(boolean dryRun) {
    return new BackupOptions(BUCKET, "", Path.of("."), ExcludeRules.none(), false, false, false,
        dryRun, 4, 5L << 20, null, null, null, true, null);
  }

  /** A journal whose heartbeat thread never beats on its own: the test calls beat(). */
  RunJournal journal() {
    return new RunJournal(snapshots, store, options(false), clock, problems, Duration.ofDays(1));
  }

  static ManifestEntry file(String path, String sha) {
    return new ManifestEntry(path, EntryType.FILE, sha.length(), 1_000_000_000L, 0644,
        sha.repeat(64 / sha.length()), null, null, false, 2_000_000_000L, "7");
  }

  List<String> runKeys() {
    return memory.keys(BUCKET).stream().filter(k -> k.startsWith(".p3backup/runs/")).toList();
  }

  Manifest segment(String id, long seq) throws Exception {
    return ManifestCodec.decode(new java.io.ByteArrayInputStream(
        memory.bytes(BUCKET, snapshots.runSegmentKey(id, seq))), "segment");
  }

  List<String> paths(Manifest m) {
    return m.entries().stream().map(ManifestEntry::path).toList();
  }

  /** Writes the segments of a run, each listing the given entries. */
  void segments(String id, Map<String, String> owner, List<List<ManifestEntry>> each) {
    for (int seq = 0; seq < each.size(); seq++) {
      snapshots.saveRunSegment(new Manifest(id, clock.instant(), each.get(seq)), seq, owner);
    }
  }

  @Test
  void eachSegmentHoldsOnlyWhatLandedSinceTheOneBefore() throws Exception {
    String id = "20260101T100000.000Z";
    try (RunJournal j = journal()) {
      j.takeOver(snapshots.listAll(), null);
      j.start(id);
      assertEquals(List.of(snapshots.runSegmentKey(id, 0)), runKeys(), "an empty first segment before any upload");
      assertEquals(List.of(), segment(id, 0).entries());
      assertEquals(hostOfThisMachine(), memory.head(BUCKET, runKeys().get(0)).get("host"));
      assertEquals(Long.toString(ProcessHandle.current().pid()), memory.head(BUCKET, runKeys().get(0)).get("pid"));

      j.uploaded(file("b.txt", "b"));
      j.uploaded(file("a.txt", "a"));
      j.beat();
      assertEquals(List.of("a.txt", "b.txt"), paths(segment(id, 1)), "in path order");
      j.uploaded(file("c.txt", "c"));
      j.beat();
      assertEquals(List.of("c.txt"), paths(segment(id, 2)));
      j.beat(); // nothing landed, the heartbeat is not due: no segment
      assertEquals(3, runKeys().size(), runKeys().toString());

      // Taken over, the three segments read as one journal.
      RunRef listed = snapshots.listAll().runs().get(0);
      assertEquals(id, listed.id());
      assertEquals(runKeys(), listed.keys());
      assertEquals(snapshots.runSegmentKey(id, 2), listed.key(), "the newest segment");
      assertEquals(List.of("a.txt", "b.txt", "c.txt"), paths(snapshots.loadRun(listed).orElseThrow()));

      j.finish();
    }
    assertEquals(List.of(), runKeys(), "every segment deleted once the snapshot is saved");
  }

  @Test
  void anEmptySegmentGoesUpAsTheHeartbeatWhenNothingLands() throws Exception {
    String id = "20260101T100000.000Z";
    try (RunJournal j = journal()) {
      j.start(id);
      clock.now = clock.now.plus(RunGuard.STALE.dividedBy(4)).minusSeconds(1);
      j.beat();
      assertEquals(1, runKeys().size(), "not due yet");
      clock.now = clock.now.plusSeconds(2);
      j.beat();
      assertEquals(2, runKeys().size(), "due: " + runKeys());
      assertEquals(List.of(), segment(id, 1).entries());
      j.beat();
      assertEquals(2, runKeys().size(), "the next one is due half a minute later");
      j.finish();
    }
  }

  @Test
  void theHeartbeatThreadWritesWhatLandedWithinAPeriod() throws Exception {
    String id = "20260101T100000.000Z";
    try (RunJournal j = new RunJournal(snapshots, store, options(false), Clock.systemUTC(), problems,
        Duration.ofMillis(50))) {
      j.start(id);
      ExecutorService workers = Executors.newFixedThreadPool(8);
      for (int i = 0; i < 400; i++) {
        String path = String.format("f%03d", i);
        workers.submit(() -> j.uploaded(file(path, "x")));
      }
      workers.shutdown();
      assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int listed = 0;
      while (System.nanoTime() < deadline) {
        listed = snapshots.loadRun(snapshots.listAll().runs().get(0)).orElseThrow().entries().size();
        if (listed == 400) {
          break;
        }
        Thread.sleep(20);
      }
      assertEquals(400, listed, "every entry landed in some segment, each once");
      j.finish();
    }
    assertEquals(List.of(), runKeys());
  }

  @Test
  void aSegmentThatFailsIsSentAgainWithWhatLandedSince() throws Exception {
    String id = "20260101T100000.000Z";
    try (RunJournal j = journal()) {
      j.start(id);
      j.uploaded(file("a.txt", "a"));
      failPut = k -> k.startsWith(".p3backup/runs/");
      j.beat();
      assertEquals(1, runKeys().size());
      assertEquals(1, problems.warnings().size(), problems.warnings().toString());
      j.uploaded(file("b.txt", "b"));
      j.beat();
      assertEquals(1, problems.warnings().size(), "warned once while it fails");
      failPut = k -> false;
      j.beat();
      assertEquals(List.of("a.txt", "b.txt"), paths(segment(id, 1)));
      j.uploaded(file("c.txt", "c"));
    }
    // Closed on failure: what landed since the last segment goes up in a last one; all stay.
    assertEquals(List.of("c.txt"), paths(segment(id, 2)));
    assertEquals(3, runKeys().size());
  }

  @Test
  void takeOverReadsEverySegmentOfADeadRunFromTheOneListing() throws Exception {
    String dead = "20260101T090000.000Z";
    segments(dead, DEAD_HERE, List.of(List.of(), List.of(file("a.txt", "1"), file("b.txt", "b")),
        List.of(file("a.txt", "2"), file("c.txt", "c")), List.of()));
    SnapshotStore.Listing listing = snapshots.listAll();
    assertEquals(1, listings.get());
    Map<String, ManifestEntry> taken;
    try (RunJournal j = journal()) {
      taken = read(j.takeOver(listing, null), "a.txt", "b.txt", "c.txt", "d.txt");
      assertEquals(1, listings.get(), "no listing per run: its segments come from the listing");
      assertEquals(Map.of("a.txt", file("a.txt", "2"), "b.txt", file("b.txt", "b"), "c.txt", file("c.txt", "c")),
          taken, "a later segment's entry over an earlier one's");
      assertTrue(problems.warnings().stream().anyMatch(w -> w.contains("taking over from an interrupted backup ("
          + dead + "): 3 file(s)")), problems.warnings().toString());
      j.start("20260101T100000.000Z");
      j.finish();
    }
    assertEquals(List.of(), runKeys(), "the dead run's segments go with this run's");
  }

  @Test
  void takeOverReadsAnOldJournalOfOneObject() throws Exception {
    String dead = "20260101T090000.000Z";
    memory.putRaw(BUCKET, ".p3backup/runs/" + dead + ".jsonl.gz", ManifestCodec.encode(
        new Manifest(dead, clock.instant(), List.of(file("a.txt", "a"), file("b.txt", "b")))), DEAD_HERE);
    try (RunJournal j = journal()) {
      Map<String, ManifestEntry> taken = read(j.takeOver(snapshots.listAll(), null), "a.txt", "b.txt");
      assertEquals(Map.of("a.txt", file("a.txt", "a"), "b.txt", file("b.txt", "b")), taken);
      j.start("20260101T100000.000Z");
      j.finish();
    }
    assertEquals(List.of(), runKeys(), "the old journal goes too");
  }

  @Test
  void aDeadRunAlreadyInTheLatestSnapshotIsNotReadButDeleted() throws Exception {
    String dead = "20260101T090000.000Z";
    segments(dead, DEAD_HERE, List.of(List.of(file("a.txt", "a"))));
    try (RunJournal j = journal()) {
      Map<String, ManifestEntry> taken = read(j.takeOver(snapshots.listAll(), "20260101T093000.000Z"), "a.txt");
      assertEquals(Map.of(), taken);
      j.start("20260101T100000.000Z");
      j.finish();
    }
    assertEquals(List.of(), runKeys());
  }

  @Test
  void everySegmentIsDeletedInRequestsOfAtMostAThousandKeys() throws Exception {
    String dead = "20260101T090000.000Z";
    List<List<ManifestEntry>> many = new ArrayList<>();
    for (int i = 0; i < 2345; i++) {
      many.add(List.of(file("f" + i, "x")));
    }
    segments(dead, DEAD_HERE, many);
    try (RunJournal j = journal()) {
      assertEquals(2345, j.takeOver(snapshots.listAll(), null).added());
      j.start("20260101T100000.000Z");
      j.uploaded(file("new.txt", "n"));
      j.beat();
      j.finish();
    }
    assertEquals(List.of(), runKeys());
    assertEquals(2345 + 2, deleteRequests.stream().mapToInt(Integer::intValue).sum());
    assertTrue(deleteRequests.stream().allMatch(n -> n <= ObjectStore.DELETE_BATCH), deleteRequests.toString());
    assertEquals(3, deleteRequests.size(), deleteRequests.toString());
  }

  @Test
  void aRunLivesByItsNewestSegmentAndItsOwnerIsThatSegmentsWriter() throws Exception {
    String id = "20260101T090000.000Z";
    // Its first segments written long ago by a process of this host that is gone; the newest
    // one fresh, by another host: the run lives.
    segments(id, DEAD_HERE, List.of(List.of(), List.of(file("a.txt", "a"))));
    snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), 2, ELSEWHERE);
    listedTime.put(snapshots.runSegmentKey(id, 0), clock.now.minusSeconds(600));
    listedTime.put(snapshots.runSegmentKey(id, 1), clock.now.minusSeconds(300));
    listedTime.put(snapshots.runSegmentKey(id, 2), clock.now.minusSeconds(10));
    RunGuard guard = new RunGuard(snapshots, clock);
    RunRef run = snapshots.listAll().runs().get(0);
    assertEquals(clock.now.minusSeconds(10), run.lastWritten());
    assertTrue(guard.alive(run));
    try (RunJournal j = journal()) {
      StorageException e = assertThrows(StorageException.class, () -> j.takeOver(snapshots.listAll(), null));
      assertTrue(e.getMessage().contains("another p3backup run is backing up to this target (its journal .p3backup/runs/"
          + id + "/ was written at "), e.getMessage());
    }
    // Its newest segment older than the limit: gone.
    listedTime.put(snapshots.runSegmentKey(id, 2), clock.now.minus(RunGuard.STALE).minusSeconds(1));
    assertFalse(guard.alive(snapshots.listAll().runs().get(0)));
    // Fresh, but its newest segment written by a process of this host that is gone: gone.
    listedTime.put(snapshots.runSegmentKey(id, 2), clock.now.minusSeconds(10));
    snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), 2, DEAD_HERE);
    snapshots.saveRunSegment(new Manifest(id, clock.instant(), List.of()), 0, ELSEWHERE);
    assertFalse(guard.alive(snapshots.listAll().runs().get(0)));
  }

  @Test
  void aRunThatStartsBesideAnOlderLiveOneStepsBackAndDeletesItsSegment() throws Exception {
    String older = "20260101T095959.000Z";
    try (RunJournal j = journal()) {
      j.takeOver(snapshots.listAll(), null);
      // The older run writes its first segment after this one listed, before this one starts.
      segments(older, ELSEWHERE, List.of(List.of()));
      assertThrows(StorageException.class, () -> j.start("20260101T100000.000Z"));
    }
    assertEquals(List.of(snapshots.runSegmentKey(older, 0)), runKeys());
  }

  @Test
  void listingIgnoresWhatIsNotAJournal() {
    memory.putRaw(BUCKET, ".p3backup/runs/20260101T090000.000Z/notes.txt", new byte[0], Map.of());
    memory.putRaw(BUCKET, ".p3backup/runs/not-an-id/00000000.jsonl.gz", new byte[0], Map.of());
    memory.putRaw(BUCKET, ".p3backup/runs/20260101T090000.000Z/x1.jsonl.gz", new byte[0], Map.of());
    assertEquals(List.of(), snapshots.listAll().runs());
  }

  /** What a takeover holds at these paths (asked in order, as the planner asks). */
  private static Map<String, ManifestEntry> read(Takeover t, String... paths) throws IOException {
    Map<String, ManifestEntry> out = new java.util.HashMap<>();
    try (t) {
      for (String p : new java.util.TreeSet<>(List.of(paths))) {
        ManifestEntry e = t.at(p);
        if (e != null) {
          out.put(p, e);
        }
      }
    }
    return out;
  }
}
