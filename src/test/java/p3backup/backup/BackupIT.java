package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.json.Json;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.ObjectStore;
import p3backup.storage.s3.S3ObjectStore;
import p3backup.storage.s3.S3Settings;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.Platform;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;

/** Backup end to end: the real CLI against a real S3 server (S3Proxy) over HTTP. */
class BackupIT {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  static final String NFC = Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFC);
  static final String NFD = Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFD);

  static S3ProxyServer server;
  static TestS3 s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
    s3 = new TestS3(server);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  static String newBucket() {
    return "backup-it-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
  }

  CliRunner cli() throws IOException {
    return CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")));
  }

  static Path write(Path root, String rel, String content) throws IOException {
    return write(root, rel, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path root, String rel, byte[] content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.write(p, content);
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Map<String, Object> json(Result r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(r.out().trim());
    return m;
  }

  static long count(Result r, String field) {
    return Json.number(json(r), field);
  }

  Manifest latestManifest(String bucket, String prefix) {
    try (ObjectStore store = S3ObjectStore.open(new S3Settings(null, "us-east-1", server.endpoint(),
        Map.of("AWS_ACCESS_KEY_ID", server.accessKey(), "AWS_SECRET_ACCESS_KEY", server.secretKey(),
            "AWS_EC2_METADATA_DISABLED", "true"), tmp, 4))) {
      SnapshotStore snapshots = new SnapshotStore(store, bucket, prefix);
      return snapshots.load(snapshots.latestRef().orElseThrow());
    }
  }

  @Test
  void trickyTreeLandsAsPlainObjectsWithMetadata() throws IOException {
    Platform.assumePosix();
    Platform.assumeDistinctNormalizations(tmp);
    Path tree = Files.createDirectories(tmp.resolve("tree with spaces"));
    write(tree, "a b/c d.txt", "spaces");
    write(tree, NFC, "nfc");
    write(tree, NFD, "nfd");
    String odd = "odd + % # ? & = ' [ ] { }.txt";
    write(tree, "chars/" + odd, "odd");
    write(tree, "zero.bin", new byte[0]);
    byte[] big = random(12 * 1024 * 1024 + 123, 1);
    write(tree, "big/large.bin", big);
    Files.createDirectories(tree.resolve("empty"));
    Files.createDirectories(tree.resolve("empty with space"));
    Files.setLastModifiedTime(tree.resolve("a b/c d.txt"),
        FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
    Files.setPosixFilePermissions(tree.resolve("zero.bin"), PosixFilePermissions.fromString("rw-r-----"));
    String bucket = newBucket();

    Result r = cli().run("backup", bucket, tree.toString(), "--part-size", "5MiB", "--json");

    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(6, count(r, "filesUploaded"), r.toString());
    assertEquals(List.of("a b/c d.txt", "big/large.bin", NFD, NFC, "chars/" + odd,
        "empty with space/", "empty/", "zero.bin").stream().sorted().toList(),
        s3.dataKeys(bucket));
    assertArrayEquals(big, s3.get(bucket, "big/large.bin"));
    assertEquals("nfc", new String(s3.get(bucket, NFC), StandardCharsets.UTF_8));
    assertEquals("nfd", new String(s3.get(bucket, NFD), StandardCharsets.UTF_8));
    assertEquals("odd", new String(s3.get(bucket, "chars/" + odd), StandardCharsets.UTF_8));
    assertEquals(0, s3.get(bucket, "zero.bin").length);
    assertEquals("1577934245.123456789", s3.metadata(bucket, "a b/c d.txt").get("mtime"));
    assertEquals("0640", s3.metadata(bucket, "zero.bin").get("mode"));
    assertNotNull(s3.metadata(bucket, "big/large.bin").get("mtime"));
    assertEquals(0, s3.head(bucket, "empty with space/").contentLength());

    Manifest m = latestManifest(bucket, "");
    ManifestEntry large = m.entries().stream().filter(e -> e.path().equals("big/large.bin")).findFirst().orElseThrow();
    assertEquals(big.length, large.size());
    assertEquals(p3backup.scan.Digests.hex(p3backup.scan.Digests.sha256().digest(big)), large.sha256());
    assertNotNull(large.versionId(), "a versioned bucket records version ids");
  }

  @Test
  void incrementalRunsUploadOnlyWhatChanged() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < 20; i++) {
      write(tree, "d" + (i % 3) + "/f" + i + ".txt", "content " + i);
    }
    String bucket = newBucket();
    CliRunner cli = cli();
    assertEquals(20, count(cli.run(bucket, tree.toString(), "--json"), "filesUploaded"));

    // Nothing changed: no upload, no new snapshot.
    Result same = cli.run(bucket, tree.toString(), "--json");
    assertEquals(0, count(same, "filesUploaded"), same.toString());
    assertEquals(20, count(same, "filesUnchanged"));
    assertNull(json(same).get("snapshot"));

    // Same size, new mtime, new content: uploaded.
    Path f1 = tree.resolve("d1/f1.txt");
    Files.writeString(f1, "CONTENT 1");
    Files.setLastModifiedTime(f1, FileTime.from(Instant.now().plusSeconds(5)));
    // Touched but identical: hashed, not uploaded.
    Path f2 = tree.resolve("d2/f2.txt");
    Files.setLastModifiedTime(f2, FileTime.from(Instant.now().plusSeconds(7)));
    Result edit = cli.run(bucket, tree.toString(), "--json");
    assertEquals(1, count(edit, "filesUploaded"), edit.toString());
    assertEquals("CONTENT 1", new String(s3.get(bucket, "d1/f1.txt"), StandardCharsets.UTF_8));

    // --checksum hashes everything and still uploads nothing that is identical.
    Result checksum = cli.run(bucket, tree.toString(), "--checksum", "--json");
    assertEquals(0, count(checksum, "filesUploaded"), checksum.toString());

    // A new file and a deleted one.
    write(tree, "new/new.txt", "new");
    Files.delete(tree.resolve("d0/f0.txt"));
    Result added = cli.run(bucket, tree.toString(), "--json");
    assertEquals(1, count(added, "filesUploaded"), added.toString());
    assertEquals(0, count(added, "filesDeleted"));
    assertTrue(s3.keys(bucket).contains("d0/f0.txt"), "kept without --delete");
    assertFalse(latestManifest(bucket, "").entries().stream().anyMatch(e -> e.path().equals("d0/f0.txt")),
        "the new snapshot lists the tree as it is");

    // --dry-run --delete plans the deletion and changes nothing.
    Result dry = cli.run(bucket, tree.toString(), "--delete", "--dry-run", "--json");
    assertEquals(0, dry.exitCode(), dry.toString());
    assertTrue(dry.out().contains("\"action\":\"delete\",\"path\":\"d0/f0.txt\""), dry.out());
    assertTrue(s3.keys(bucket).contains("d0/f0.txt"));

    // --delete removes it, and only it.
    Result delete = cli.run(bucket, tree.toString(), "--delete", "--json");
    assertEquals(1, count(delete, "filesDeleted"), delete.toString());
    assertFalse(s3.keys(bucket).contains("d0/f0.txt"));
    assertEquals(20, s3.dataKeys(bucket).size());
  }

  @Test
  void sameSizeEditWithTheOldMtimePutBackIsUploaded() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(Platform.WINDOWS,
        "Java sees no change time (ctime) on Windows: there only --checksum catches this edit");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Path f4 = write(tree, "d1/f4.txt", "content 4");
    String bucket = newBucket();
    CliRunner cli = cli();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    // Same size with the old mtime put back (touch -r): the ctime moved, so it is uploaded.
    FileTime old = Files.getLastModifiedTime(f4);
    Thread.sleep(20);
    Files.writeString(f4, "CONTENT 4");
    Files.setLastModifiedTime(f4, old);
    Result sneaky = cli.run(bucket, tree.toString(), "--json");
    assertEquals(1, count(sneaky, "filesUploaded"), sneaky.toString());
    assertEquals("CONTENT 4", new String(s3.get(bucket, "d1/f4.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void storageClassAndEncryptionAreAskedForOnEachObject() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "a.txt", "a");
    String bucket = newBucket();
    Result r = cli().run(bucket, tree.toString(), "--storage-class", "standard_ia", "--sse", "AES256");
    assertEquals(0, r.exitCode(), r.toString());
    var head = s3.head(bucket, "a.txt");
    assertEquals("STANDARD_IA", head.storageClassAsString());
    assertEquals("AES256", head.serverSideEncryptionAsString());
  }

  @Test
  void dryRunUploadsNothingAndCreatesNoBucket() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "a.txt", "a");
    String bucket = newBucket();
    Result r = cli().run(bucket, tree.toString(), "--dry-run", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, count(r, "filesUploaded"));
    assertTrue(r.out().contains("\"action\":\"upload\",\"path\":\"a.txt\""), r.out());
    assertFalse(s3.bucketExists(bucket));
  }

  @Test
  void deleteRemovesOnlyWhatP3backupWrote() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "keep.txt", "k");
    write(tree, "gone.txt", "g");
    String bucket = newBucket();
    CliRunner cli = cli();
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    s3.put(bucket, "foreign.txt", "not ours".getBytes(StandardCharsets.UTF_8));
    Files.delete(tree.resolve("gone.txt"));
    // One run without --delete drops it from the snapshot; a later --delete still removes it.
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Result r = cli.run(bucket, tree.toString(), "--delete", "--json");
    assertEquals(1, count(r, "filesDeleted"), r.toString());
    assertEquals(List.of("foreign.txt", "keep.txt"), s3.dataKeys(bucket));
  }

  @Test
  void prefixTargetAndSeedFormWithDefaultBucket() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("dir with spaces"));
    write(tree, "x.txt", "x");
    String bucket = newBucket();
    Result r = cli().run("s3://" + bucket + "/some/prefix", tree.toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("some/prefix", json(r).get("prefix"));
    assertEquals(List.of("some/prefix/x.txt"), s3.dataKeys(bucket));
    assertTrue(s3.keys(bucket).stream().anyMatch(k -> k.startsWith("some/prefix/.p3backup/snapshots/")));
  }

  @Test
  void excludedPathsArePrunedAndNotDeleted() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "src/a.java", "a");
    write(tree, "build/out.class", "o");
    write(tree, "deep/x/cache.tmp", "t");
    write(tree, "notes.tmp", "n");
    Path rules = write(tmp, "rules.txt", "# comment\n*.tmp\n");
    String bucket = newBucket();
    Result r = cli().run(bucket, tree.toString(), "--exclude", "build/", "--exclude-from",
        rules.toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(List.of("src/a.java"), s3.dataKeys(bucket).stream().filter(k -> !k.endsWith("/")).toList());
  }

  @Test
  void specialFilesAndTheReservedFolderAreNamedAndSkipped() throws Exception {
    Platform.assumeFifos();
    Platform.assumeSymlinks(tmp);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "ok.txt", "ok");
    write(tree, ".p3backup/snapshots/fake.jsonl.gz", "not ours");
    Path fifo = tree.resolve("pipe");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    Files.createSymbolicLink(tree.resolve("link"), Path.of("ok.txt"));
    String bucket = newBucket();
    Result r = cli().run(bucket, tree.toString(), "--json");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("pipe: special file"), r.err());
    assertTrue(r.err().contains("warning: skipping .p3backup"), r.err());
    assertTrue(r.out().contains("\"path\":\"pipe\""), r.out());
    assertEquals(List.of("ok.txt"), s3.dataKeys(bucket));
    ManifestEntry link = latestManifest(bucket, "").entries().stream()
        .filter(e -> e.path().equals("link")).findFirst().orElseThrow();
    assertEquals("ok.txt", link.linkTarget());
  }

  @Test
  void followedSymlinkLoopIsNamedAndExitCodeIs3() throws IOException {
    Platform.assumeSymlinks(tmp);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "d/f.txt", "f");
    Files.createSymbolicLink(tree.resolve("d/loop"), Path.of(".."));
    Files.createSymbolicLink(tree.resolve("broken"), Path.of("nowhere"));
    String bucket = newBucket();
    Result r = cli().run(bucket, tree.toString(), "--follow-symlinks", "--json");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("d/loop: symbolic link loop"), r.err());
    assertTrue(r.err().contains("broken: broken symbolic link"), r.err());
    assertEquals(List.of("d/f.txt"), s3.dataKeys(bucket));
  }

  @Test
  void unreadableFileIsNamedAndExitCodeIs3() throws IOException {
    Platform.assumePosix();
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "root reads files whatever their permissions");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "ok.txt", "ok");
    Path secret = write(tree, "secret.txt", "s");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    Result r = cli().run(newBucket(), tree.toString());
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("secret.txt: cannot read"), r.err());
  }

  @Test
  void filesystemProviderKeepsNoVersionsAndBackupStillWorks() throws IOException {
    S3ProxyServer fs = S3ProxyServer.shared(Provider.FILESYSTEM);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "a/b.txt", "b");
    String bucket = newBucket();
    CliRunner cli = CliRunner.forServer(fs, Files.createDirectories(tmp.resolve("home")));
    Result r = cli.run(bucket, tree.toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, count(r, "filesUploaded"));
    Result again = cli.run(bucket, tree.toString(), "--json");
    assertEquals(0, count(again, "filesUploaded"), again.toString());
  }

  @Test
  void fileThatKeepsChangingWhileReadIsReportedAndNotRecorded() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "steady.txt", "steady");
    // Large enough that reading it takes long enough for the writer to append meanwhile.
    Path growing = write(tree, "growing.log", random(12 << 20, 3));
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer = new Thread(() -> {
      try (var out = Files.newOutputStream(growing, java.nio.file.StandardOpenOption.APPEND)) {
        while (!stop.get()) {
          out.write("more\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.start();
    String bucket = newBucket();
    Result r;
    try {
      r = cli().run(bucket, tree.toString(), "--part-size", "5MiB", "--json");
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("growing.log: changed while being read"), r.err());
    assertFalse(s3.keys(bucket).contains("growing.log"));
    assertFalse(latestManifest(bucket, "").entries().stream().anyMatch(e -> e.path().equals("growing.log")));
    assertTrue(s3.keys(bucket).contains("steady.txt"));
  }

  @Test
  void createdBucketIsVersionedUnlessNoVersioning() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "a.txt", "a");
    String versioned = newBucket();
    String plain = newBucket();
    assertEquals(0, cli().run(versioned, tree.toString()).exitCode());
    assertEquals(0, cli().run(plain, tree.toString(), "--no-versioning").exitCode());
    assertEquals(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED,
        s3.client().getBucketVersioning(b -> b.bucket(versioned)).status());
    assertNull(s3.client().getBucketVersioning(b -> b.bucket(plain)).status());
    assertNull(latestManifest(plain, "").entries().get(0).versionId());
  }
}
