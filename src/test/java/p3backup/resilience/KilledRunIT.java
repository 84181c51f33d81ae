package p3backup.resilience;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.json.Json;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.CountingProxy;
import p3backup.testing.KillableRun;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;

/**
 * A backup killed with SIGKILL at several points (the jar in a process of its own, its requests
 * held by a relay so that the kill lands where intended) leaves the previous snapshot intact and
 * restorable, and the next run completes, uploading only what is still missing.
 */
class KilledRunIT {
  static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
  }

  Path tree(int files, String content) throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < files; i++) {
      Path d = Files.createDirectories(tree.resolve("d" + (i % 20)));
      Files.writeString(d.resolve("f" + i + ".txt"), content + " " + i);
    }
    return tree;
  }

  CliRunner cli() throws IOException {
    return CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")));
  }

  /** Starts p3backup as a process of its own (the command under test), backing up through the relay. */
  Process startBackup(CountingProxy proxy, String bucket, Path tree, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("backup", "--endpoint-url", proxy.endpoint().toString(),
        "--no-progress", bucket, tree.toString()));
    args.addAll(List.of(more));
    return KillableRun.start(server, tmp, tmp.resolve("killed-run.log"), List.of("-Dp3backup.journal.millis=200"), args);
  }

  /** Runs a backup and kills it (SIGKILL) once a request matching {@code at} is held. */
  void killWhen(String bucket, Path tree, Predicate<String> at, String... more) throws Exception {
    try (CountingProxy proxy = new CountingProxy(server.endpoint())) {
      proxy.holdWhen(at);
      Process p = startBackup(proxy, bucket, tree, more);
      try {
        KillableRun.await(() -> proxy.held() > 0 || !p.isAlive(), "the run to reach the point of the kill");
        assertTrue(p.isAlive(), "the run ended before the kill: " + Files.readString(tmp.resolve("killed-run.log")));
        Thread.sleep(700); // let the journal's heartbeat record what landed
      } finally {
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
      }
    }
  }

  static String latestSnapshot(TestS3 s3, String bucket) {
    List<String> ids = s3.keys(bucket).stream().filter(k -> k.startsWith(".p3backup/snapshots/")).toList();
    return ids.isEmpty() ? null : ids.get(ids.size() - 1);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Result r) {
    return (Map<String, Object>) Json.parse(r.out().trim());
  }

  @Test
  void killedMidUploadLeavesThePreviousSnapshotAndTheRerunUploadsOnlyWhatIsMissing() throws Exception {
    Path tree = tree(400, "version one");
    String bucket = "killed-mid-upload";
    CliRunner cli = cli();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    for (int i = 0; i < 400; i++) {
      Files.writeString(tree.resolve("d" + (i % 20)).resolve("f" + i + ".txt"), "version two " + i);
    }
    int[] puts = {0};
    try (TestS3 s3 = new TestS3(server)) {
      String before = latestSnapshot(s3, bucket);
      killWhen(bucket, tree, line -> line.startsWith("PUT /" + bucket + "/d") && ++puts[0] > 150);
      assertEquals(before, latestSnapshot(s3, bucket), "the previous snapshot is still the latest");

      // The previous snapshot restores exactly (the bucket keeps versions).
      Path old = tmp.resolve("old");
      assertEquals(0, cli.run("restore", bucket, old.toString()).exitCode());
      assertEquals("version one 7", Files.readString(old.resolve("d7/f7.txt")));

      Result rerun = cli.run(bucket, tree.toString(), "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      long uploaded = (Long) json(rerun).get("filesUploaded");
      assertTrue(uploaded < 400 - 100, "only what was still missing: " + uploaded);
      assertTrue(rerun.err().contains("taking over from an interrupted backup"), rerun.err());
      assertTrue(s3.keys(bucket).stream().noneMatch(k -> k.startsWith(".p3backup/runs/")),
          "the journals are gone: " + s3.keys(bucket));
      Path now = tmp.resolve("now");
      assertEquals(0, cli.run("restore", bucket, now.toString()).exitCode());
      for (int i = 0; i < 400; i += 37) {
        String rel = "d" + (i % 20) + "/f" + i + ".txt";
        assertEquals("version two " + i, Files.readString(now.resolve(rel)), rel);
      }
    }
  }

  /**
   * The resume that loses at most about a second: a run killed (SIGKILL) at no particular moment
   * while files land, with the journal's default period (one second), is taken over by the next
   * run, which uploads again only the files that landed in about the last second before the kill
   * (and the few under way). Prints the figures.
   */
  @Test
  void aRunKilledWhileFilesLandLosesAboutTheLastSecondOfUploads() throws Exception {
    int total = 2000;
    int jobs = 8;
    Path tree = tree(total, "resume");
    String bucket = "killed-resume";
    String put = "PUT /" + bucket + "/d";
    long[] sentAtKill = new long[2];
    long[] millis = new long[2];
    try (CountingProxy proxy = new CountingProxy(server.endpoint()); TestS3 s3 = new TestS3(server)) {
      List<String> args = List.of("backup", "--endpoint-url", proxy.endpoint().toString(),
          "--no-progress", "--jobs", Integer.toString(jobs), bucket, tree.toString());
      Process p = KillableRun.start(server, tmp, tmp.resolve("killed-run.log"), List.of(), args);
      // Samples of (time, data PUTs sent so far), to know how many were sent in the last 2 s.
      List<long[]> samples = new java.util.ArrayList<>();
      try {
        KillableRun.await(() -> proxy.requests().stream().anyMatch(r -> r.startsWith(put)) || !p.isAlive(),
            "the first file to be uploaded");
        long first = System.nanoTime();
        // Kill at no chosen phase of the journal's period: after 3 to 4 s of uploads, or sooner
        // when more than half the files are sent (a fast machine).
        long killAt = first + 3_000_000_000L + new Random().nextInt(1000) * 1_000_000L;
        while (p.isAlive()) {
          long now = System.nanoTime();
          long sent = proxy.requests().stream().filter(r -> r.startsWith(put)).count();
          samples.add(new long[] {now, sent});
          if (now >= killAt || sent > total / 2) {
            break;
          }
          Thread.sleep(50);
        }
        assertTrue(p.isAlive(), "the run ended before the kill: " + Files.readString(tmp.resolve("killed-run.log")));
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        long killed = System.nanoTime();
        long[] last = samples.get(samples.size() - 1);
        long[] twoBefore = samples.get(0);
        for (long[] sample : samples) {
          if (sample[0] <= killed - 2_000_000_000L) {
            twoBefore = sample;
          }
        }
        sentAtKill[0] = last[1];
        sentAtKill[1] = last[1] - twoBefore[1];
        millis[0] = (killed - first) / 1_000_000;
        millis[1] = (killed - twoBefore[0]) / 1_000_000;
      } finally {
        p.destroyForcibly();
        p.waitFor();
      }
      long landed = s3.dataKeys(bucket).size();
      List<String> segments = s3.keys(bucket).stream().filter(k -> k.startsWith(".p3backup/runs/")).toList();
      long journalled = 0;
      for (String k : segments) {
        journalled += p3backup.snapshot.ManifestCodec.decode(new java.io.ByteArrayInputStream(s3.get(bucket, k)), k)
            .entries().size();
      }
      assertTrue(landed < total, "the kill came before the end: " + landed);
      assertTrue(segments.stream().allMatch(k -> k.matches("\\.p3backup/runs/[0-9TZ.]+/[0-9]{8}\\.jsonl\\.gz")),
          segments.toString());

      Result rerun = cli().run(bucket, tree.toString(), "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      assertTrue(rerun.err().contains("taking over from an interrupted backup"), rerun.err());
      long uploaded = (Long) json(rerun).get("filesUploaded");
      long again = uploaded - (total - landed);
      long bound = sentAtKill[1] + jobs;
      System.out.printf("kill -9 resume: %d files, --jobs %d, journal period 1 s; killed after %d ms of"
          + " uploads; %d file PUTs sent, %d in the last %d ms; landed before the kill: %d objects;"
          + " in the journal: %d entries in %d segments; rerun uploaded %d, of which %d again"
          + " (landed but not journalled: %d); bound %d%n", total, jobs, millis[0], sentAtKill[0],
          sentAtKill[1], millis[1], landed, journalled, segments.size(), uploaded, again,
          landed - journalled, bound);
      assertTrue(again >= 0 && again <= landed - journalled, "only what landed unjournalled goes again: " + again);
      assertTrue(again <= bound, "uploaded again: " + again + ", more than the files sent in the last "
          + millis[1] + " ms before the kill plus --jobs (" + bound + ")");
      assertTrue(s3.keys(bucket).stream().noneMatch(k -> k.startsWith(".p3backup/runs/")),
          "every segment is gone: " + s3.keys(bucket));
      assertEquals(total, s3.dataKeys(bucket).size());
      Path now = tmp.resolve("now");
      assertEquals(0, cli().run("restore", bucket, now.toString()).exitCode());
      for (int i = 0; i < total; i += 397) {
        String rel = "d" + (i % 20) + "/f" + i + ".txt";
        assertEquals("resume " + i, Files.readString(now.resolve(rel)), rel);
      }
    }
  }

  @Test
  void killedEarlyWhileScanningLeavesThePreviousSnapshotRestorable() throws Exception {
    Path tree = tree(3000, "one");
    String bucket = "killed-mid-scan";
    CliRunner cli = cli();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Files.writeString(tree.resolve("d1/f1.txt"), "two");
    try (CountingProxy proxy = new CountingProxy(server.endpoint()); TestS3 s3 = new TestS3(server)) {
      String before = latestSnapshot(s3, bucket);
      Process p = startBackup(proxy, bucket, tree);
      // Once the snapshots are listed the run scans the tree; kill it then.
      KillableRun.await(() -> proxy.requests().stream().anyMatch(q -> q.contains("list-type=2")) || !p.isAlive(),
          "the run to start scanning");
      p.destroyForcibly();
      p.waitFor();
      assertEquals(before, latestSnapshot(s3, bucket));
      Path old = tmp.resolve("old");
      assertEquals(0, cli.run("restore", bucket, old.toString()).exitCode());
      assertEquals("one 1", Files.readString(old.resolve("d1/f1.txt")));
      Result rerun = cli.run(bucket, tree.toString(), "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      assertEquals(1L, json(rerun).get("filesUploaded"));
    }
  }

  @Test
  void killedMidMultipartLeavesNoUploadBehindAfterTheRerun() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    byte[] big = new byte[16 << 20];
    new Random(11).nextBytes(big);
    Files.write(tree.resolve("big.bin"), big);
    Files.writeString(tree.resolve("small.txt"), "small");
    String bucket = "killed-mid-multipart";
    int[] parts = {0};
    killWhen(bucket, tree, line -> line.contains("partNumber=") && ++parts[0] > 1, "--part-size", "5MiB");
    try (TestS3 s3 = new TestS3(server)) {
      assertTrue(!s3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
          "the kill left an unfinished multipart upload");
      Result rerun = cli().run(bucket, tree.toString(), "--part-size", "5MiB", "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      assertEquals(List.of(), s3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads(),
          "the unfinished upload was aborted");
      assertArrayEquals(big, s3.get(bucket, "big.bin"));
    }
  }

  @Test
  void killedJustBeforeTheManifestLosesNothingAndTheRerunUploadsNothing() throws Exception {
    Path tree = tree(50, "content");
    String bucket = "killed-before-manifest";
    killWhen(bucket, tree, line -> line.startsWith("PUT /" + bucket + "/.p3backup/snapshots/"));
    try (TestS3 s3 = new TestS3(server)) {
      assertEquals(null, latestSnapshot(s3, bucket), "no snapshot was committed");
      Result rerun = cli().run(bucket, tree.toString(), "--json");
      assertEquals(0, rerun.exitCode(), rerun.toString());
      assertEquals(0L, json(rerun).get("filesUploaded"), rerun.toString());
      assertTrue(latestSnapshot(s3, bucket) != null);
      assertEquals("content 3", new String(s3.get(bucket, "d3/f3.txt"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aSecondRunOnTheSameTargetRefusesWhileTheFirstIsUnderWay() throws Exception {
    Path tree = tree(30, "content");
    String bucket = "two-runs-at-once";
    try (CountingProxy proxy = new CountingProxy(server.endpoint())) {
      int[] puts = {0};
      proxy.holdWhen(line -> line.startsWith("PUT /" + bucket + "/d") && ++puts[0] > 5);
      Process first = startBackup(proxy, bucket, tree);
      try {
        KillableRun.await(() -> proxy.held() > 0 || !first.isAlive(), "the first run to be under way");
        Thread.sleep(500);
        Result second = cli().run(bucket, tree.toString(), "--json");
        assertEquals(1, second.exitCode(), second.toString());
        assertTrue(second.err().contains("another p3backup run is backing up to this target"), second.err());
        // forget, likewise: it frees nothing while a backup may still be uploading.
        Result forget = cli().run("forget", bucket, "--keep-last", "1", "--json");
        assertEquals(1, forget.exitCode(), forget.toString());
        assertTrue(forget.err().contains("another p3backup run is backing up to this target"), forget.err());
      } finally {
        first.destroyForcibly();
        first.waitFor();
      }
    }
    // Once the first is gone (its process dead on this host), the next run takes over.
    Result after = cli().run(bucket, tree.toString(), "--json");
    assertEquals(0, after.exitCode(), after.toString());
  }
}
