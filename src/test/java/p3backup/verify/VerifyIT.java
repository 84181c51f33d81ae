package p3backup.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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

/** verify, snapshots and buckets against a real S3 server. */
class VerifyIT {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  @TempDir Path tmp;

  static String newBucket() {
    return "verify-it-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
  }

  CliRunner cli(S3ProxyServer s) throws IOException {
    return CliRunner.forServer(s, Files.createDirectories(tmp.resolve("home")));
  }

  Path tree() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.createDirectories(tree.resolve("docs"));
    Files.writeString(tree.resolve("docs/a.txt"), "alpha");
    Files.writeString(tree.resolve("docs/b.txt"), "bravo");
    Files.writeString(tree.resolve("c.txt"), "charlie");
    Files.createDirectories(tree.resolve("empty"));
    return tree;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Result r) {
    return (Map<String, Object>) Json.parse(r.out().trim());
  }

  @Test
  void passesAfterABackupAndReadsEveryByteWithReadData() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = newBucket();
    CliRunner cli = cli(server);
    Path tree = tree();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Result plain = cli.run("verify", bucket, "--json");
    assertEquals(0, plain.exitCode(), plain.toString());
    assertEquals(3L, json(plain).get("filesChecked"));
    Result read = cli.run("verify", bucket, tree.toString(), "--read-data", "--json");
    assertEquals(0, read.exitCode(), read.toString());
    assertEquals(17L, json(read).get("bytesRead"));
  }

  @Test
  void sameLengthCorruptionFailsReadDataNamingTheFile() throws IOException {
    // On a bucket without versions an object overwritten in place is what a restore would get.
    S3ProxyServer server = S3ProxyServer.shared(Provider.FILESYSTEM);
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree().toString()).exitCode());
    try (TestS3 s3 = new TestS3(server)) {
      s3.put(bucket, "docs/b.txt", "BRAVO".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(0, cli.run("verify", bucket).exitCode(), "sizes still match");
    Result r = cli.run("verify", bucket, "--read-data");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("docs/b.txt: content does not match"), r.err());
  }

  @Test
  void deletedObjectFailsPlainVerify() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree().toString()).exitCode());
    try (TestS3 s3 = new TestS3(server)) {
      s3.client().deleteObject(b -> b.bucket(bucket).key("c.txt"));
      s3.client().deleteObject(b -> b.bucket(bucket).key("empty/"));
    }
    Result r = cli.run("verify", bucket, "--json");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("c.txt: missing from the bucket"), r.err());
    assertTrue(r.err().contains("empty: missing from the bucket"), r.err());
    assertTrue(r.out().contains("\"path\":\"c.txt\""), r.out());
  }

  @Test
  void directoryModeListsNewChangedAndMissing() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = newBucket();
    CliRunner cli = cli(server);
    Path tree = tree();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Files.writeString(tree.resolve("docs/a.txt"), "ALPHA");
    FileTime t = Files.getLastModifiedTime(tree.resolve("docs/b.txt"));
    Files.setLastModifiedTime(tree.resolve("docs/b.txt"), FileTime.from(Instant.now().plusSeconds(9)));
    Files.setLastModifiedTime(tree.resolve("docs/b.txt"), t);
    Files.delete(tree.resolve("c.txt"));
    Files.writeString(tree.resolve("new.txt"), "new");
    Result r = cli.run("verify", bucket, tree.toString(), "--json");
    assertEquals(1, r.exitCode(), r.toString());
    Map<String, Object> m = json(r);
    assertEquals(List.of("new.txt"), m.get("new"));
    assertEquals(List.of("docs/a.txt"), m.get("changed"), "a touched but identical file is not changed");
    assertEquals(List.of("c.txt"), m.get("missing"));
    Result text = cli.run("verify", bucket, tree.toString());
    assertTrue(text.out().contains("changed: docs/a.txt"), text.out());
  }

  @Test
  void snapshotsListsEveryRunNewestLast() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = newBucket();
    CliRunner cli = cli(server);
    Path tree = tree();
    String first = (String) json(cli.run(bucket + "/pre", tree.toString(), "--json")).get("snapshot");
    Files.writeString(tree.resolve("d.txt"), "delta");
    String second = (String) json(cli.run(bucket + "/pre", tree.toString(), "--json")).get("snapshot");
    Result r = cli.run("snapshots", bucket + "/pre", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> snaps = (List<Map<String, Object>>) json(r).get("snapshots");
    assertEquals(List.of(first, second), snaps.stream().map(s -> s.get("id")).toList());
    assertEquals(3L, snaps.get(0).get("files"));
    assertEquals(4L, snaps.get(1).get("files"));
    assertEquals(22L, snaps.get(1).get("bytes"));
    Result text = cli.run("snapshots", bucket + "/pre");
    assertTrue(text.out().lines().anyMatch(l -> l.startsWith(second)), text.out());
  }

  @Test
  void bucketsListsP3backupBucketsWithTheirTimeOldestFirst() throws IOException {
    S3ProxyServer server = S3ProxyServer.start(Provider.TRANSIENT);
    try (server; TestS3 s3 = new TestS3(server)) {
      s3.client().createBucket(b -> b.bucket("p3backup-11-01-19-173930"));
      s3.client().createBucket(b -> b.bucket("p3backup-02-03-18-040506"));
      s3.client().createBucket(b -> b.bucket("unrelated-bucket"));
      Result r = cli(server).run("buckets", "--json");
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("{\"command\":\"buckets\",\"buckets\":[{\"name\":\"p3backup-02-03-18-040506\","
          + "\"time\":\"2018-02-03T04:05:06\"},{\"name\":\"p3backup-11-01-19-173930\","
          + "\"time\":\"2019-11-01T17:39:30\"}],\"count\":2,\"exitCode\":0,",
          r.out().substring(0, r.out().indexOf("\"durationMs\"")));
      Result text = cli(server).run("buckets");
      assertTrue(text.out().matches("(?s).*p3backup-11-01-19-173930 +2019-11-01 17:39:30.*"), text.out());
    }
  }

  @Test
  void verifyOfATargetWithoutSnapshotsFails() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    String bucket = newBucket();
    try (TestS3 s3 = new TestS3(server)) {
      s3.client().createBucket(b -> b.bucket(bucket));
    }
    Result r = cli(server).run("verify", bucket);
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("no p3backup snapshot"), r.err());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versionedServers")
  void anOlderSnapshotIsCheckedAgainstTheVersionsItNames(String name, S3Server server) throws IOException {
    String bucket = newBucket();
    CliRunner cli = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")));
    Path tree = tree();
    Result first = cli.run(bucket, tree.toString(), "--json");
    assertEquals(0, first.exitCode(), first.toString());
    String older = (String) json(first).get("snapshot");
    Files.writeString(tree.resolve("docs/a.txt"), "alpha, now longer than it was");
    Files.delete(tree.resolve("c.txt"));
    assertEquals(0, cli.run(bucket, tree.toString(), "--delete").exitCode());

    Result r = cli.run("verify", bucket, "--snapshot", older, "--read-data", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(older, json(r).get("snapshot"));
    Result latest = cli.run("verify", bucket, "--read-data");
    assertEquals(0, latest.exitCode(), latest.toString());
  }

  static Stream<Arguments> versionedServers() {
    return Stream.of(Arguments.of("s3proxy-transient", S3ProxyServer.shared(Provider.TRANSIENT)),
        Arguments.of("s3mock", S3MockServer.shared()));
  }

  /**
   * A snapshot big enough to be listed folder by folder (shallow above the cut, whole at it):
   * an object gone at each kind of place is named, on each server, and an older snapshot is
   * checked against its versions the same way.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void aListingCutAlongFoldersFindsEveryMissingObject(String name, S3Server server)
      throws IOException {
    String bucket = newBucket();
    CliRunner cli = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")));
    Path tree = Files.createDirectories(tmp.resolve("wide"));
    for (int i = 0; i < 10; i++) {
      Files.writeString(tree.resolve("r" + i), "root " + i);
    }
    for (int t = 0; t < 4; t++) {
      Path top = Files.createDirectories(tree.resolve("top" + t));
      for (int i = 0; i < 100; i++) {
        Files.writeString(top.resolve("f" + i), "f" + i);
      }
      for (int s = 0; s < 2; s++) {
        Path sub = Files.createDirectories(top.resolve("s" + s));
        for (int i = 0; i < 150; i++) {
          Files.writeString(sub.resolve("g" + i), "g" + i);
        }
      }
    }
    Files.createDirectories(tree.resolve("emptytop"));
    Files.createDirectories(tree.resolve("top0/emptysub"));
    // 1,610 files and 2 markers: one listing per 100 objects allows the 15 listings of a cut
    // at depth 2 (the root, 5 folders at depth 1, 9 at depth 2).
    Result first = cli.run(bucket, tree.toString(), "--json");
    assertEquals(0, first.exitCode(), first.toString());
    Result clean = cli.run("verify", bucket, "--json");
    assertEquals(0, clean.exitCode(), clean.toString());
    assertEquals(1610L, json(clean).get("filesChecked"));
    if (!name.equals("s3proxy-filesystem")) {
      String older = (String) json(first).get("snapshot");
      Files.writeString(tree.resolve("top3/s0/g1"), "changed since the first snapshot");
      assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
      Result old = cli.run("verify", bucket, "--snapshot", older, "--json");
      assertEquals(0, old.exitCode(), old.toString());
    }
    List<String> gone = List.of("r3", "top1/f5", "top2/s1/g7", "emptytop/", "top0/emptysub/");
    try (TestS3 s3 = new TestS3(server)) {
      for (String key : gone) {
        // Every version, for good: S3Mock still lists a key whose latest version is a delete
        // marker.
        var versions = name.equals("s3proxy-filesystem") ? List.<String>of()
            : s3.client().listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key)).map(v -> v.versionId()).toList();
        if (versions.isEmpty()) {
          s3.client().deleteObject(b -> b.bucket(bucket).key(key));
        }
        for (String v : versions) {
          s3.client().deleteObject(b -> b.bucket(bucket).key(key).versionId(v));
        }
      }
    }
    Result r = cli.run("verify", bucket, "--json");
    assertEquals(1, r.exitCode(), r.toString());
    for (String key : gone) {
      String path = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
      assertTrue(r.err().contains(path + ": missing from the bucket"), path + " in " + r.err());
    }
    assertEquals(gone.size(), r.err().lines().filter(l -> l.contains("missing from")).count(),
        r.err());
  }

  static Stream<Arguments> servers() {
    return Stream.of(Arguments.of("s3proxy-filesystem", S3ProxyServer.shared(Provider.FILESYSTEM)),
        Arguments.of("s3proxy-transient", S3ProxyServer.shared(Provider.TRANSIENT)),
        Arguments.of("s3mock", S3MockServer.shared()));
  }
}
