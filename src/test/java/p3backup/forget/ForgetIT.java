package p3backup.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.json.Json;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.S3MockServer;
import p3backup.testing.S3ProxyServer;

import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.S3Server;
import p3backup.testing.TestS3;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Forget end to end against a real S3 server (S3Proxy: a bucket without versions): a dozen
 * daily snapshots, the plan with --dry-run, then forget; the kept snapshots restore and verify,
 * the forgotten ones are gone, what another tool wrote stays, and the bytes freed are what the
 * server's listing lost.
 */
class ForgetIT {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
  }

  /** Buckets that keep versions (S3Proxy in memory, S3Mock) and one that keeps none. */
  static Stream<Arguments> servers() {
    return Stream.of(
        Arguments.of("s3proxy-transient", S3ProxyServer.shared(Provider.TRANSIENT)),
        Arguments.of("s3proxy-filesystem", S3ProxyServer.shared(Provider.FILESYSTEM)),
        Arguments.of("s3mock", S3MockServer.shared()));
  }

  static String newBucket() {
    return "forget-it-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
  }

  CliRunner cli() throws IOException {
    return cli(server);
  }

  CliRunner cli(S3Server on) throws IOException {
    return CliRunner.forServer(on, Files.createDirectories(tmp.resolve("home")));
  }

  /** The bytes the bucket holds outside p3backup's own folder: every version, where it keeps them. */
  static long dataBytes(S3Server on, TestS3 s3, String bucket) {
    long n = 0;
    if (on.keepsVersions()) {
      for (ObjectVersion v : s3.client().listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
        n += v.key().startsWith(".p3backup/") ? 0 : v.size();
      }
    } else {
      for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
        n += o.key().startsWith(".p3backup/") ? 0 : o.size();
      }
    }
    return n;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void aDozenDailySnapshotsKeepDailyAndWeekly(String name, S3Server on) throws Exception {
    assumeTrue(CliRunner.inProcess(), "the snapshots' days need the in-process CLI's clock");
    String bucket = newBucket();
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("same.txt"), "the same every day");
    Files.writeString(tree.resolve("early.txt"), "deleted locally on day 3");
    CliRunner cli = cli(on);
    Instant first = Instant.parse("2026-11-01T09:00:00Z");
    try (TestS3 s3 = new TestS3(on)) {
      for (int d = 0; d < 12; d++) {
        cli.clock(Clock.fixed(first.plusSeconds(86_400L * d), BERLIN));
        Files.writeString(tree.resolve("daily.txt"), "day " + d + " ".repeat(d));
        if (d == 3) {
          Files.delete(tree.resolve("early.txt"));
        }
        Result b = cli.run("backup", bucket, tree.toString(), "--json");
        assertEquals(0, b.exitCode(), b.toString());
        if (d == 0) {
          s3.put(bucket, "another-tool.txt", "not p3backup's".getBytes(StandardCharsets.UTF_8));
        }
      }
      cli.clock(Clock.fixed(first.plusSeconds(86_400L * 12), BERLIN));
      long before = dataBytes(on, s3, bucket);

      Result dry = cli.run("forget", bucket, "--keep-daily", "3", "--keep-weekly", "2", "--dry-run", "--json");
      assertEquals(0, dry.exitCode(), dry.toString());
      Map<String, Object> plan = Json.parseObject(dry.out().trim());
      assertEquals(true, plan.get("dryRun"));
      assertEquals(before, dataBytes(on, s3, bucket), "--dry-run changes nothing");
      List<?> kept = (List<?>) plan.get("kept");
      List<?> removed = (List<?>) plan.get("removed");
      assertEquals(12, kept.size() + removed.size());

      Result text = cli.run("forget", bucket, "--keep-daily", "3", "--keep-weekly", "2");
      assertEquals(0, text.exitCode(), text.toString());
      assertTrue(text.out().contains("keep    ") && text.out().contains("remove  "), text.out());
      assertTrue(text.out().contains("daily"), text.out());

      Result list = cli.run("snapshots", bucket, "--json");
      List<String> ids = new ArrayList<>();
      for (Object o : (List<?>) Json.parseObject(list.out().trim()).get("snapshots")) {
        ids.add((String) ((Map<?, ?>) o).get("id"));
      }
      assertEquals(kept.size(), ids.size());
      for (Object r : removed) {
        assertFalse(ids.contains(r), r + " still listed");
      }
      assertFalse(s3.dataKeys(bucket).contains("early.txt"), "only forgotten snapshots listed it");
      assertTrue(s3.dataKeys(bucket).contains("another-tool.txt"));
      long freed = Json.number(plan, "bytesFreed");
      assertEquals(before - dataBytes(on, s3, bucket), freed);

      Path restored = tmp.resolve("restored");
      Result restore = cli.run("restore", bucket, restored.toString());
      assertEquals(0, restore.exitCode(), restore.toString());
      assertEquals(Files.readString(tree.resolve("daily.txt")), Files.readString(restored.resolve("daily.txt")));
      Result verify = cli.run("verify", bucket, "--read-data");
      assertEquals(0, verify.exitCode(), verify.toString());
    }
  }

  @Test
  void forgetWithoutAPolicyIsRefusedAndChangesNothing() throws Exception {
    String bucket = newBucket();
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    CliRunner cli = cli();
    assertEquals(0, cli.run("backup", bucket, tree.toString()).exitCode());
    try (TestS3 s3 = new TestS3(server)) {
      List<String> keys = s3.keys(bucket);
      Result r = cli.run("forget", bucket);
      assertEquals(2, r.exitCode(), r.toString());
      assertEquals(keys, s3.keys(bucket));
    }
  }

  /** Runs as the native executable too: --keep-last needs no clock of the test's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void keepLastTwoForgetsTheOlderSnapshotsAndTheKeptOnesRestoreExactly(String name, S3Server on) throws Exception {
    String bucket = newBucket();
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    CliRunner cli = cli(on);
    List<String> ids = new ArrayList<>();
    for (int run = 1; run <= 4; run++) {
      Files.writeString(tree.resolve("changes.txt"), "run " + run + "\n".repeat(run));
      Files.writeString(tree.resolve("only-in-run-" + run + ".txt"), "only " + run);
      if (run > 1) {
        Files.delete(tree.resolve("only-in-run-" + (run - 1) + ".txt"));
      }
      Result b = cli.run("backup", bucket, tree.toString(), "--json");
      assertEquals(0, b.exitCode(), b.toString());
      ids.add((String) Json.parseObject(b.out().trim()).get("snapshot"));
      Thread.sleep(5); // ids are milliseconds
    }
    Result f = cli.run("forget", bucket, "--keep-last", "2", "--json");
    assertEquals(0, f.exitCode(), f.toString());
    Map<String, Object> m = Json.parseObject(f.out().trim());
    assertEquals(java.util.Set.of(ids.get(0), ids.get(1)), java.util.Set.copyOf((List<?>) m.get("removed")));
    try (TestS3 s3 = new TestS3(on)) {
      List<String> keys = s3.dataKeys(bucket);
      assertFalse(keys.contains("only-in-run-1.txt") || keys.contains("only-in-run-2.txt"), keys.toString());
      assertTrue(keys.contains("only-in-run-4.txt"), keys.toString());
      assertTrue(!on.keepsVersions() || keys.contains("only-in-run-3.txt"), "the kept third snapshot needs it");
    }
    Result list = cli.run("snapshots", bucket, "--json");
    assertEquals(2, ((List<?>) Json.parseObject(list.out().trim()).get("snapshots")).size(), list.out());
    Path latest = tmp.resolve("latest");
    assertEquals(0, cli.run("restore", bucket, latest.toString()).exitCode());
    assertEquals("run 4" + "\n".repeat(4), Files.readString(latest.resolve("changes.txt")));
    assertEquals(0, cli.run("verify", bucket, "--read-data").exitCode());
    if (on.keepsVersions()) {
      Path third = tmp.resolve("third");
      Result r = cli.run("restore", bucket, third.toString(), "--snapshot", ids.get(2));
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("run 3" + "\n".repeat(3), Files.readString(third.resolve("changes.txt")));
      assertEquals("only 3", Files.readString(third.resolve("only-in-run-3.txt")));
    }
  }
}
