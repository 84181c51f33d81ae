package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.json.Json;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.CountingProxy;
import p3backup.testing.Platform;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;
import p3backup.testing.Tripwire;

/** The command line as a user meets it: forms, bad input, missing credentials, JSON. */
class CliIT {
  static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
  }

  Path tree() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("dir with spaces"));
    Files.writeString(tree.resolve("a.txt"), "a");
    return tree;
  }

  Path home() throws IOException {
    return Files.createDirectories(tmp.resolve("home"));
  }

  static List<List<String>> badInputs() {
    return List.of(
        List.of("Invalid_Bucket", "TREE"),
        List.of("ab", "TREE"),
        List.of("bucket..name", "TREE"),
        List.of("192.168.1.1", "TREE"),
        List.of("good-bucket", "TREE/missing"),
        List.of("good-bucket", "TREE/a.txt"),
        List.of("good-bucket", "TREE", "--no-such-option"),
        List.of("good-bucket", "TREE", "--jobs", "0"),
        List.of("good-bucket", "TREE", "--part-size", "1MiB"),
        List.of("good-bucket", "TREE", "--sse", "rot13"),
        List.of("good-bucket", "TREE", "--exclude-from", "TREE/no-such-file"),
        List.of("good-bucket", "TREE", "--exclude", "[unclosed"),
        List.of("backup", "good-bucket", "TREE", "extra"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void badInputExits2BeforeAnyRequest(List<String> args) throws IOException {
    Path tree = tree();
    try (Tripwire wire = new Tripwire()) {
      String[] argv = args.stream().map(a -> a.replace("TREE", tree.toString())).toArray(String[]::new);
      Result r = new CliRunner(home()).env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s")
          .withArgs("--endpoint-url", wire.endpoint().toString()).run(argv);
      assertEquals(2, r.exitCode(), r.toString());
      assertEquals(0, wire.connections(), "no request may be sent");
      assertTrue(r.err().startsWith("p3backup: "), r.err());
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
      assertFalse(r.err().contains("Exception"), r.err());
    }
  }

  @Test
  void missingCredentialsExit1WithAHint() throws IOException {
    Result r = new CliRunner(home()).withArgs("--endpoint-url", server.endpoint().toString())
        .run("some-bucket", tree().toString());
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("aws configure"), r.err());
  }

  @Test
  void unknownProfileExit1NamingIt() throws IOException {
    Result r = new CliRunner(home()).withArgs("--endpoint-url", server.endpoint().toString())
        .run("some-bucket", tree().toString(), "--profile", "nosuch");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("\"nosuch\""), r.err());
  }

  @Test
  void profileFromTheAwsConfigFilesIsUsed() throws IOException {
    Path home = home();
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), "[demo]\naws_access_key_id = "
        + server.accessKey() + "\naws_secret_access_key = " + server.secretKey() + "\n");
    Files.writeString(home.resolve(".aws/config"), "[profile demo]\nregion = us-east-1\n"
        + "endpoint_url = " + server.endpoint() + "\n");
    Result r = new CliRunner(home).env("AWS_PROFILE", "demo").run("profile-bucket-it", tree().toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    try (TestS3 s3 = new TestS3(server)) {
      assertTrue(s3.keys("profile-bucket-it").contains("a.txt"));
    }
  }

  @Test
  void closedPortFailsWithExit1InBoundedTime() throws IOException {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    Result r = new CliRunner(home()).env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s")
        .run("closed-port-bucket", tree().toString(), "--endpoint-url", "http://127.0.0.1:" + port, "--json");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(seconds < 60, "took " + seconds + " s");
    assertTrue(r.err().contains("cannot connect"), r.err());
    assertEquals(1L, Json.number(json(r), "exitCode"));
  }

  @Test
  void noTargetBacksUpTheCurrentDirectoryToADatedBucket() throws IOException {
    Path tree = tree();
    DatedRun run = datedRun(LocalDateTime.of(2019, 11, 1, 17, 39, 30), tree, "--json");
    assertEquals(0, run.result().exitCode(), run.result().toString());
    String bucket = (String) json(run.result()).get("bucket");
    run.assertNamed("p3backup-11-01-19-173930", bucket);
    try (TestS3 s3 = new TestS3(server)) {
      assertTrue(s3.keys(bucket).contains("a.txt"));
    }
  }

  @Test
  void seedFormWithDefaultAndADirectoryWithSpaces() throws IOException {
    DatedRun run = datedRun(LocalDateTime.of(2020, 2, 3, 4, 5, 6), home(), "default", tree().toString(), "--json");
    assertEquals(0, run.result().exitCode(), run.result().toString());
    run.assertNamed("p3backup-02-03-20-040506", (String) json(run.result()).get("bucket"));
  }

  /**
   * A run that names a new bucket after the local time: in-process at a fixed time; as a
   * process of its own (the native executable) at the real time, bracketed by the times before
   * and after it.
   */
  DatedRun datedRun(LocalDateTime fixed, Path cwd, String... args) throws IOException {
    CliRunner cli = CliRunner.forServer(server, home()).cwd(cwd);
    if (CliRunner.inProcess()) {
      cli.clock(Clock.fixed(fixed.atZone(ZoneId.systemDefault()).toInstant(), ZoneId.systemDefault()));
      return new DatedRun(cli.run(args), fixed, fixed);
    }
    LocalDateTime before = LocalDateTime.now().withNano(0);
    Result r = cli.run(args);
    return new DatedRun(r, before, LocalDateTime.now());
  }

  record DatedRun(Result result, LocalDateTime from, LocalDateTime to) {
    /** The bucket is named p3backup-MM-dd-yy-HHmmss after a second of the run (the example's form). */
    void assertNamed(String example, String bucket) {
      DateTimeFormatter f = DateTimeFormatter.ofPattern("'p3backup-'MM-dd-yy-HHmmss");
      if (from.equals(to)) {
        assertEquals(example, bucket);
        return;
      }
      assertEquals(example.length(), bucket.length(), bucket);
      LocalDateTime named = LocalDateTime.parse(bucket, f);
      assertFalse(named.isBefore(from) || named.isAfter(to), bucket + " is not a time of the run");
    }
  }

  @Test
  void subcommandNameWinsAndAnotherPositionalIsABucket() throws IOException {
    Result r = CliRunner.forServer(server, home()).run("backup", "restore", tree().toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("restore", json(r).get("bucket"));
    Result sync = CliRunner.forServer(server, home()).run("--json", "sync", "sync-alias-it", tree().toString());
    assertEquals(0, sync.exitCode(), sync.toString());
  }

  @Test
  void jsonSummaryHasTheContractFieldsAndNothingElseOnStdout() throws IOException {
    Result r = CliRunner.forServer(server, home()).run("json-fields-it", tree().toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    Map<String, Object> m = json(r);
    for (String f : List.of("command", "bucket", "prefix", "snapshot", "filesScanned", "filesUploaded",
        "filesUnchanged", "filesDeleted", "bytesUploaded", "errors", "durationMs")) {
      assertTrue(m.containsKey(f), "missing " + f + " in " + r.out());
    }
    assertEquals("backup", m.get("command"));
    assertEquals(1, r.out().strip().lines().count(), r.out());
  }

  @Test
  void quietRunsThatSucceedPrintNothingAtAll() throws IOException {
    CliRunner cli = CliRunner.forServer(server, home());
    Path tree = tree();
    Result backup = cli.run("quiet-it", tree.toString(), "-q");
    assertEquals(0, backup.exitCode(), backup.toString());
    assertEquals("", backup.out(), "no summary line");
    assertEquals("", backup.err(), "warnings about unimplemented bucket features are silenced");
    Result again = cli.run("-q", "backup", "quiet-it", tree.toString());
    assertEquals("", again.out() + again.err(), again.toString());
    Result restore = cli.run("restore", "quiet-it", tmp.resolve("quiet-dest").toString(), "--quiet");
    assertEquals(0, restore.exitCode(), restore.toString());
    assertEquals("", restore.out() + restore.err(), restore.toString());
    Result verify = cli.run("verify", "quiet-it", tree.toString(), "-q");
    assertEquals(0, verify.exitCode(), verify.toString());
    assertEquals("", verify.out() + verify.err(), verify.toString());
  }

  @Test
  void quietStillNamesSkippedFilesOnStderrAndJsonStillPrintsItsObject() throws IOException {
    Platform.assumeLongPaths();
    Path tree = tree();
    Path p = tree;
    for (int i = 0; i < 5; i++) {
      p = p.resolve("n".repeat(220));
    }
    Files.createDirectories(p.getParent());
    Files.writeString(p, "too long a key");
    CliRunner cli = CliRunner.forServer(server, home());
    Result r = cli.run("quiet-skip-it", tree.toString(), "-q");
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("", r.out(), r.toString());
    assertTrue(r.err().contains("nnnn") && r.err().contains("1024"), r.err());
    assertFalse(r.err().contains("warning"), r.err());
    Result json = cli.run("quiet-json-it", tree.toString(), "-q", "--json");
    assertEquals(3, json.exitCode(), json.toString());
    assertEquals("backup", json(json).get("command"));
  }

  @Test
  void aServerLackingBucketFeaturesGetsOneWarningLineListingThem() throws IOException {
    Result r = CliRunner.forServer(server, home()).run("one-warning-it", tree().toString());
    assertEquals(0, r.exitCode(), r.toString());
    List<String> warnings = r.err().lines().filter(l -> l.contains("warning")).toList();
    assertEquals(1, warnings.size(), r.err());
    assertTrue(warnings.get(0).contains("Block Public Access"), r.err());
    assertTrue(warnings.get(0).contains("going on without"), r.err());
  }

  @Test
  void versionAndHelpExit0() throws IOException {
    CliRunner cli = new CliRunner(home());
    Result v = cli.runExactly("--version");
    assertEquals(0, v.exitCode());
    assertTrue(v.out().startsWith("p3backup " + Version.VALUE), v.out());
    Result h = cli.runExactly("--help");
    assertEquals(0, h.exitCode());
    assertTrue(h.out().contains("backup, sync"), h.out());
  }

  @Test
  void noChangeRerunAsksTheServerForAHandfulOfThingsOnly() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("many"));
    for (int i = 0; i < 300; i++) {
      Path d = Files.createDirectories(tree.resolve("d" + (i % 10)));
      Files.writeString(d.resolve("f" + i), "file " + i);
    }
    try (CountingProxy proxy = new CountingProxy(server.endpoint())) {
      CliRunner cli = CliRunner.forServer(server, home(), proxy.endpoint());
      Result first = cli.run("counting-it", tree.toString(), "--json");
      assertEquals(0, first.exitCode(), first.toString());
      List<String> puts = proxy.requests().stream().filter(q -> q.startsWith("PUT /counting-it/")).toList();
      assertEquals(300, puts.stream().filter(q -> !q.contains("/.p3backup/")).count(), "one PUT per file");
      assertEquals(1, puts.stream().filter(q -> q.contains("/.p3backup/snapshots/")).count());
      assertTrue(puts.size() <= 300 + 1 + 3, "a handful besides: " + puts.size());
      assertFalse(proxy.requests().stream().anyMatch(q -> q.startsWith("HEAD /counting-it/")));
      proxy.reset();
      Result again = cli.run("counting-it", tree.toString(), "--json");
      assertEquals(0, Json.number(json(again), "filesUploaded"), again.toString());
      assertTrue(proxy.requests().size() <= 3, proxy.requests().toString());
      assertFalse(proxy.requests().stream().anyMatch(q -> q.startsWith("GET /counting-it/.p3backup/snapshots/")),
          "the manifest comes from the local cache: " + proxy.requests());
      // Without the cache the manifest is downloaded, and the rerun still uploads nothing.
      proxy.reset();
      Result uncached = cli.env("P3BACKUP_CACHE", "off").run("counting-it", tree.toString(), "--json");
      assertEquals(0, Json.number(json(uncached), "filesUploaded"), uncached.toString());
      assertTrue(proxy.requests().stream().anyMatch(q -> q.startsWith("GET /counting-it/.p3backup/snapshots/")),
          proxy.requests().toString());
    }
  }

  static Map<String, Object> json(Result r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(r.out().trim());
    return m;
  }
}
