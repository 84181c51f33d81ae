package p3backup.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.json.Json;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.CountingProxy;
import p3backup.testing.KillableRun;
import p3backup.testing.S3MockServer;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.S3Server;
import p3backup.testing.TestS3;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * A {@code forget} killed with SIGKILL at each of its stages (a process of its own, the request
 * of that stage held by a relay so that the kill lands there): every snapshot still listed is
 * whole, the kept ones restore exactly and verify, and a second {@code forget} with the same
 * policy frees what the first left, and nothing else. On buckets that keep versions (S3Proxy in
 * memory, S3Mock) and on one that keeps none (S3Proxy on a file system).
 */
class ForgetKilledIT {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static final String JOURNALS = ".p3backup/forgets/";
  private static final int RUNS = 4;
  @TempDir Path tmp;

  /** Where the kill lands: the request of that stage is held, never reaching the server. */
  enum Stage {
    /** Its own journal's first PUT: nothing written, nothing deleted. */
    JOURNAL_WRITE,
    /** The first DeleteObjects, of the forgotten manifests: journal written, nothing deleted. */
    MANIFEST_DELETE,
    /** The second DeleteObjects, of the data: manifests gone, their data still there. */
    DATA_DELETE,
    /** The DeleteObjects after it listed its journal's versions: all freed but the journal. */
    JOURNAL_DELETE;

    Predicate<String> requestOf(String bucket) {
      int[] deletes = {0};
      boolean[] listedJournals = {false};
      return line -> {
        if (line.startsWith("GET /" + bucket) && line.contains("forgets") && deletes[0] >= 2) {
          listedJournals[0] = true;
        }
        if (this == JOURNAL_WRITE) {
          return line.startsWith("PUT /" + bucket + "/" + JOURNALS);
        }
        if (!line.startsWith("POST /" + bucket + "?delete")) {
          return false;
        }
        deletes[0]++;
        return switch (this) {
          case MANIFEST_DELETE -> deletes[0] == 1;
          case DATA_DELETE -> deletes[0] == 2;
          default -> listedJournals[0];
        };
      };
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      all.add(Arguments.of(stage, "versioned-s3proxy", S3ProxyServer.shared(Provider.TRANSIENT)));
      all.add(Arguments.of(stage, "unversioned-s3proxy", S3ProxyServer.shared(Provider.FILESYSTEM)));
      all.add(Arguments.of(stage, "versioned-s3mock", S3MockServer.shared()));
    }
    return all.stream();
  }

  /** What the tree held at backup {@code run}: a file that never changes, one that does, one of its own. */
  static Map<String, String> treeOfRun(int run) {
    Map<String, String> files = new TreeMap<>();
    files.put("same.txt", "the same every run");
    files.put("changing.txt", "run " + run + " " + "x".repeat(run * 7));
    files.put("only-" + run + ".txt", "only in run " + run);
    return files;
  }

  static void write(Path tree, Map<String, String> files) throws IOException {
    try (Stream<Path> old = Files.list(tree)) {
      for (Path p : old.toList()) {
        Files.delete(p); // deleted locally: stays in the bucket for the snapshots that list it
      }
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(tree.resolve(f.getKey()), f.getValue());
    }
  }

  static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
    return files;
  }

  static List<String> listedSnapshots(CliRunner cli, String bucket) {
    Result r = cli.run("snapshots", bucket, "--json");
    assertEquals(0, r.exitCode(), r.toString());
    List<String> ids = new ArrayList<>();
    for (Object o : (List<?>) Json.parseObject(r.out().trim()).get("snapshots")) {
      ids.add((String) ((Map<?, ?>) o).get("id"));
    }
    return ids;
  }

  /** Runs forget as a process through a relay and kills it (SIGKILL) once the stage's request is held. */
  void killForget(S3Server on, String bucket, Stage stage) throws Exception {
    Path log = tmp.resolve("killed-forget.log");
    try (CountingProxy proxy = new CountingProxy(on.endpoint())) {
      proxy.holdWhen(stage.requestOf(bucket));
      Process p = KillableRun.start(on, tmp, log, List.of(), List.of("forget", "--endpoint-url",
          proxy.endpoint().toString(), "--no-progress", bucket, "--keep-last", "2"));
      try {
        KillableRun.await(() -> proxy.held() > 0 || !p.isAlive(), "forget to reach " + stage);
        assertTrue(p.isAlive(), "forget ended before the kill at " + stage + ": " + Files.readString(log)
            + "\nrequests: " + proxy.requests());
      } finally {
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
      }
    }
  }

  @ParameterizedTest(name = "killed at {0} on {1}")
  @MethodSource("cases")
  void aForgetKilledAtAnyStageLeavesEveryListedSnapshotWholeAndTheNextForgetFreesTheRest(
      Stage stage, String name, S3Server on) throws Exception {
    String bucket = "forget-killed-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    CliRunner cli = CliRunner.forServer(on, Files.createDirectories(tmp.resolve("home")));
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Map<String, Map<String, String>> trees = new LinkedHashMap<>();
    try (TestS3 s3 = new TestS3(on)) {
      for (int run = 0; run < RUNS; run++) {
        write(tree, treeOfRun(run));
        Result b = cli.run("backup", bucket, tree.toString(), "--json");
        assertEquals(0, b.exitCode(), b.toString());
        trees.put((String) Json.parseObject(b.out().trim()).get("snapshot"), treeOfRun(run));
        if (run == 0) {
          s3.put(bucket, "another-tool.txt", "not p3backup's".getBytes(StandardCharsets.UTF_8));
        }
      }
      int otherVersions = versionsOf(on, s3, bucket, "another-tool.txt");
      List<String> all = new ArrayList<>(trees.keySet());
      assertEquals(all, listedSnapshots(cli, bucket));
      List<String> kept = all.subList(RUNS - 2, RUNS);
      List<String> forgotten = all.subList(0, RUNS - 2);

      killForget(on, bucket, stage);

      // Whatever the stage, every snapshot still listed is whole, the kept ones among them.
      List<String> listed = listedSnapshots(cli, bucket);
      assertTrue(listed.containsAll(kept), "the kept snapshots are all still listed: " + listed);
      assertListedSnapshotsWhole(on, cli, s3, bucket, trees, listed);

      // What the kill left: the stage's request never reached the server.
      boolean journalLeft = hasJournal(on, s3, bucket);
      boolean forgottenDataLeft = s3.dataKeys(bucket).contains("only-0.txt");
      switch (stage) {
        case JOURNAL_WRITE -> assertEquals(List.of(all, false, true), List.of(listed, journalLeft, forgottenDataLeft));
        case MANIFEST_DELETE -> assertEquals(List.of(all, true, true), List.of(listed, journalLeft, forgottenDataLeft));
        case DATA_DELETE -> assertEquals(List.of(kept, true, true), List.of(listed, journalLeft, forgottenDataLeft));
        case JOURNAL_DELETE -> assertEquals(List.of(kept, true, false), List.of(listed, journalLeft, forgottenDataLeft));
      }

      Result rerun = cli.run("forget", bucket, "--keep-last", "2", "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      assertEquals(kept, listedSnapshots(cli, bucket), "the forgotten snapshots are gone");
      for (String id : forgotten) {
        assertFalse(listedSnapshots(cli, bucket).contains(id), id);
      }
      assertListedSnapshotsWhole(on, cli, s3, bucket, trees, kept);

      // The data only the forgotten snapshots held is gone; what the kept ones need and what
      // another tool wrote is there; no journal is left.
      assertEquals(List.of("another-tool.txt", "changing.txt", "only-2.txt", "only-3.txt", "same.txt"),
          s3.dataKeys(bucket));
      if (on.keepsVersions()) {
        ListObjectVersionsResponse versions = s3.client().listObjectVersions(b -> b.bucket(bucket));
        Map<String, Integer> perKey = new TreeMap<>();
        versions.versions().stream().filter(v -> !v.key().startsWith(".p3backup/"))
            .forEach(v -> perKey.merge(v.key(), 1, Integer::sum));
        assertEquals(Map.of("another-tool.txt", otherVersions, "changing.txt", 2, "only-2.txt", 1, "only-3.txt", 1,
            "same.txt", 1), perKey, "the versions only forgotten snapshots named are gone");
        assertEquals(List.of(), versions.deleteMarkers().stream()
            .filter(m -> !m.key().startsWith(".p3backup/")).toList());
      }
      assertFalse(hasJournal(on, s3, bucket), "no forget journal is left");
    }
  }

  static int versionsOf(S3Server on, TestS3 s3, String bucket, String key) {
    if (!on.keepsVersions()) {
      return s3.keys(bucket).contains(key) ? 1 : 0;
    }
    return (int) s3.client().listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions().stream()
        .filter(v -> v.key().equals(key)).count();
  }

  static boolean hasJournal(S3Server on, TestS3 s3, String bucket) {
    if (on.keepsVersions()) {
      ListObjectVersionsResponse r = s3.client().listObjectVersions(b -> b.bucket(bucket).prefix(JOURNALS));
      return !r.versions().isEmpty() || !r.deleteMarkers().isEmpty();
    }
    return s3.keys(bucket).stream().anyMatch(k -> k.startsWith(JOURNALS));
  }

  private final AtomicInteger restores = new AtomicInteger();

  /**
   * Every snapshot listed can still be had: on a bucket that keeps versions each restores exactly;
   * on one that keeps none, the latest does; the latest verifies with --read-data; and every path
   * any listed snapshot names is still in the bucket.
   */
  void assertListedSnapshotsWhole(S3Server on, CliRunner cli, TestS3 s3, String bucket,
      Map<String, Map<String, String>> trees, List<String> listed) throws IOException {
    String latest = listed.get(listed.size() - 1);
    for (String id : on.keepsVersions() ? listed : List.of(latest)) {
      Path into = tmp.resolve("restored-" + restores.incrementAndGet());
      Result r = cli.run("restore", bucket, into.toString(), "--snapshot", id);
      assertEquals(0, r.exitCode(), id + ": " + r);
      assertEquals(trees.get(id), read(into), "snapshot " + id + " restores exactly");
    }
    // verify compares sizes with the current objects, so it speaks for the latest snapshot only.
    Result v = cli.run("verify", bucket, "--read-data");
    assertEquals(0, v.exitCode(), v.toString());
    assertTrue(v.out().contains(latest), v.out());
    List<String> keys = s3.dataKeys(bucket);
    for (String id : listed) {
      assertTrue(keys.containsAll(trees.get(id).keySet()), "snapshot " + id + " finds its files: " + keys);
    }
  }
}
