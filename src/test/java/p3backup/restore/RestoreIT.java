package p3backup.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.json.Json;
import p3backup.paths.EntryType;
import p3backup.scan.FileStat;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestCodec;
import p3backup.snapshot.ManifestEntry;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.Platform;
import p3backup.testing.S3MockServer;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.S3Server;
import p3backup.testing.TestS3;
import software.amazon.awssdk.core.sync.RequestBody;

/** Restore end to end against a real S3 server: round trips, safety, snapshots, other tools. */
class RestoreIT {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
  }

  static String newBucket() {
    return "restore-it-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
  }

  CliRunner cli(S3Server s) throws IOException {
    return CliRunner.forServer(s, Files.createDirectories(tmp.resolve("home")));
  }

  static Path write(Path root, String rel, byte[] content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.write(p, content);
  }

  static Path write(Path root, String rel, String content) throws IOException {
    return write(root, rel, content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Everything a restore must bring back, by path: type, bytes, mtime, mode, link target. */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link -> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          out.put(rel, "dir " + mode(p));
        } else {
          out.put(rel, "file " + p3backup.scan.Digests.hex(p3backup.scan.Digests.sha256()
              .digest(Files.readAllBytes(p))) + " " + Files.getLastModifiedTime(p).toInstant()
              + " " + mode(p));
        }
      }
    }
    return out;
  }

  static String mode(Path p) throws IOException {
    return Platform.posix() ? PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) : "";
  }

  static Path trickyTree(Path tree) throws IOException {
    Files.createDirectories(tree);
    write(tree, "a b/c d.txt", "spaces");
    write(tree, Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFC), "nfc");
    write(tree, Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFD), "nfd");
    write(tree, "chars/odd + % # ? & = ' [ ] { }.txt", "odd");
    write(tree, "zero.bin", new byte[0]);
    write(tree, "big/large.bin", random(20 * 1024 * 1024 + 7, 1));
    Files.createDirectories(tree.resolve("empty"));
    Files.createDirectories(tree.resolve("empty with space"));
    Path exe = write(tree, "bin/run.sh", "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(tree.resolve("zero.bin"), PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(tree.resolve("a b/c d.txt"),
        FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
    Files.createSymbolicLink(tree.resolve("a b/link"), Path.of("c d.txt"));
    Files.createSymbolicLink(tree.resolve("dangling"), Path.of("../nowhere"));
    return tree;
  }

  @Test
  void trickyTreeComesBackExactly() throws IOException {
    Platform.assumePosix();
    Platform.assumeSymlinks(tmp);
    Platform.assumeDistinctNormalizations(tmp);
    Path tree = trickyTree(tmp.resolve("tree"));
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree.toString(), "--part-size", "5MiB").exitCode());
    Path dest = tmp.resolve("dest");
    Result r = cli.run("restore", bucket, dest.toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(describe(tree), describe(dest));

    // Again: everything is already identical; nothing is downloaded.
    Result again = cli.run("restore", bucket, dest.toString(), "--json");
    assertEquals(0, again.exitCode(), again.toString());
    Map<String, Object> m = json(again);
    assertEquals(0L, m.get("filesRestored"));
    assertEquals(0L, m.get("bytesDownloaded"));
  }

  /** The change time of each file and directory under root (unix only), by relative path. */
  static Map<String, Object> ctimes(Path root) throws IOException {
    Map<String, Object> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (!p.equals(root)) {
          out.put(root.relativize(p).toString(), Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
        }
      }
    }
    return out;
  }

  @Test
  void restoreIntoADestAlreadyIdenticalTouchesNothingAndSetsOnlyWhatDiffers() throws Exception {
    Platform.assumePosix();
    assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix"),
        "no ctime on this file system");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "same.txt", "same");
    write(tree, "sub/mode.sh", "#!/bin/sh\n");
    write(tree, "sub/time.txt", "time");
    Files.setPosixFilePermissions(tree.resolve("sub/mode.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(tree.resolve("sub/time.txt"), FileTime.from(Instant.parse("2021-05-06T07:08:09.5Z")));
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Path dest = tmp.resolve("dest");
    assertEquals(0, cli.run("restore", bucket, dest.toString()).exitCode());
    Map<String, Object> before = ctimes(dest);
    Thread.sleep(50); // past the granularity of the file system's clock

    Result again = cli.run("restore", bucket, dest.toString(), "--json");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(3L, json(again).get("filesIdentical"), again.toString());
    assertEquals(before, ctimes(dest), "an identical file or directory is left untouched");

    // Mode of one file and time of another changed in DEST: only those two are set back.
    Files.setPosixFilePermissions(dest.resolve("sub/mode.sh"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setLastModifiedTime(dest.resolve("sub/time.txt"), FileTime.from(Instant.parse("2022-01-01T00:00:00Z")));
    Map<String, Object> edited = ctimes(dest);
    Thread.sleep(50);
    Result fix = cli.run("restore", bucket, dest.toString());
    assertEquals(0, fix.exitCode(), fix.toString());
    assertEquals(describe(tree), describe(dest));
    Map<String, Object> after = ctimes(dest);
    assertEquals(edited.get("same.txt"), after.get("same.txt"));
    assertEquals(edited.get("sub"), after.get("sub"));
    assertFalse(edited.get("sub/mode.sh").equals(after.get("sub/mode.sh")), "its mode was set back");
    assertFalse(edited.get("sub/time.txt").equals(after.get("sub/time.txt")), "its time was set back");
  }

  @Test
  void differingFileIsRefusedUnlessOverwrite() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "a.txt", "original");
    write(tree, "b.txt", "bee");
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    write(dest, "a.txt", "local edit");
    Result refused = cli.run("restore", bucket, dest.toString());
    assertEquals(3, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("a.txt: exists and differs"), refused.err());
    assertEquals("local edit", Files.readString(dest.resolve("a.txt")));
    assertEquals("bee", Files.readString(dest.resolve("b.txt")));

    Result overwritten = cli.run("restore", bucket, dest.toString(), "--overwrite");
    assertEquals(0, overwritten.exitCode(), overwritten.toString());
    assertEquals("original", Files.readString(dest.resolve("a.txt")));
    try (Stream<Path> files = Files.list(dest)) {
      assertEquals(2, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void includeRestoresASubset() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "docs/a.txt", "a");
    write(tree, "docs/b.md", "b");
    write(tree, "src/c.java", "c");
    String bucket = newBucket();
    CliRunner cli = cli(server);
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());
    Path dest = tmp.resolve("dest");
    Result r = cli.run("restore", bucket, dest.toString(), "--include", "docs/*.txt", "--include", "src/");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(Files.exists(dest.resolve("docs/a.txt")));
    assertFalse(Files.exists(dest.resolve("docs/b.md")));
    assertTrue(Files.exists(dest.resolve("src/c.java")));
  }

  @Test
  void hostileKeysAreNamedAndNothingLandsOutsideDest() throws IOException {
    String bucket = newBucket();
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path dest = outside.resolve("dest");
    List<String> hostile = List.of("../escape", "a/../../escape2", "/abs", "C:\\win",
        "a\\..\\..\\x", "ok/../../../escape3");
    try (TestS3 s3 = new TestS3(server)) {
      s3.client().createBucket(b -> b.bucket(bucket));
      s3.put(bucket, "good/file.txt", "good".getBytes(StandardCharsets.UTF_8));
      for (String key : hostile) {
        try {
          s3.put(bucket, key, "evil".getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
          // a key the server itself refuses cannot be restored either
        }
      }
      List<String> stored = s3.keys(bucket);
      Result r = cli(server).run("restore", bucket, dest.toString(), "--json");
      assertEquals("good", Files.readString(dest.resolve("good/file.txt")));
      // The HTTP layers refuse to carry '..' segments and a leading '/', so only the
      // backslash keys reach this server; crafted manifests cover the rest.
      assertTrue(stored.size() >= 3, "the backslash keys were stored: " + stored);
      if (Platform.WINDOWS) {
        // A backslash is a separator there: each such key is named and skipped.
        assertEquals(3, r.exitCode(), r.toString() + "\nkeys: " + stored);
        for (String key : stored) {
          if (!key.equals("good/file.txt")) {
            assertTrue(r.err().contains(key + ": "), "named: " + key + "\n" + r.err());
          }
        }
      } else {
        // Elsewhere a backslash is an ordinary character: one file, directly in DEST.
        assertEquals(0, r.exitCode(), r.toString() + "\nkeys: " + stored);
        for (String key : stored) {
          if (key.contains("\\")) {
            assertEquals("evil", Files.readString(dest.resolve(key)), key);
            assertEquals(dest, dest.resolve(key).getParent());
          }
        }
      }
    }
    try (Stream<Path> all = Files.walk(tmp)) {
      List<Path> evil = all.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(dest) && !p.startsWith(tmp.resolve("home"))).toList();
      assertEquals(List.of(), evil, "nothing may be written outside DEST");
    }
  }

  @Test
  void namesWithBackslashColonOrTrailingDotComeBackAsTheyAreOnLinuxAndMacOs() throws IOException {
    assumeFalse(Platform.WINDOWS, "Windows cannot hold these names");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    for (String name : List.of("back\\slash.txt", "a:b", "trailing.", "dir\\x/inner\\y.txt")) {
      write(tree, name, "content of " + name);
    }
    String bucket = newBucket();
    CliRunner cli = cli(server);
    Result backup = cli.run(bucket, tree.toString());
    assertEquals(0, backup.exitCode(), backup.toString());
    Path dest = tmp.resolve("dest");
    Result r = cli.run("restore", bucket, dest.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(describe(tree), describe(dest));
    assertEquals("content of back\\slash.txt", Files.readString(dest.resolve("back\\slash.txt")));
  }

  @Test
  void craftedManifestCannotWriteOutsideDestNorThroughALink() throws IOException {
    Platform.assumeSymlinks(tmp);
    String bucket = newBucket();
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(dest.resolve("out"), elsewhere);
    byte[] data = "evil".getBytes(StandardCharsets.UTF_8);
    String sha = p3backup.scan.Digests.hex(p3backup.scan.Digests.sha256().digest(data));
    List<String> paths = List.of("../escape", "/etc/abs", "x/../../escape2", "out/through-link",
        "fine.txt");
    List<ManifestEntry> entries = new java.util.ArrayList<>();
    try (TestS3 s3 = new TestS3(server)) {
      s3.client().createBucket(b -> b.bucket(bucket));
      s3.put(bucket, "fine.txt", data);
      s3.put(bucket, "out/through-link", data);
      for (String p : paths.stream().sorted().toList()) {
        entries.add(new ManifestEntry(p, EntryType.FILE, data.length, 0, 0644, sha, null, null,
            false, FileStat.NONE, null));
      }
      byte[] manifest = ManifestCodec.encode(new Manifest("20260101T000000.000Z",
          Instant.parse("2026-01-01T00:00:00Z"), entries));
      s3.client().putObject(b -> b.bucket(bucket).key(".p3backup/snapshots/20260101T000000.000Z.jsonl.gz"),
          RequestBody.fromInputStream(new ByteArrayInputStream(manifest), manifest.length));
    }
    Result r = cli(server).run("restore", bucket, dest.toString());
    assertEquals(3, r.exitCode(), r.toString());
    for (String p : paths) {
      if (!p.equals("fine.txt")) {
        assertTrue(r.err().contains(p + ": "), "named: " + p + "\n" + r.err());
      }
    }
    assertEquals("evil", Files.readString(dest.resolve("fine.txt")));
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertEquals(0, files.count(), "nothing written through the link");
    }
    assertFalse(Files.exists(tmp.resolve("escape")));
    assertFalse(Files.exists(tmp.resolve("escape2")));
  }

  /** The servers whose buckets keep versions: S3Proxy's transient store, and S3Mock. */
  static Stream<Arguments> versionedServers() {
    return Stream.of(Arguments.of("s3proxy", S3ProxyServer.shared(Provider.TRANSIENT)),
        Arguments.of("s3mock", S3MockServer.shared()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versionedServers")
  void olderSnapshotOfAVersionedBucketComesBackExactlyAfterEditsAndDelete(String name, S3Server server)
      throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "keep.txt", "keep");
    write(tree, "edit.txt", "version one");
    write(tree, "gone.txt", "will be deleted");
    write(tree, "big.bin", random(18 * 1024 * 1024, 5));
    String bucket = newBucket();
    CliRunner cli = cli(server);
    Result first = cli.run(bucket, tree.toString(), "--part-size", "5MiB", "--json");
    String firstId = (String) json(first).get("snapshot");
    Map<String, String> before = describe(tree);

    write(tree, "edit.txt", "version two, longer");
    write(tree, "big.bin", random(18 * 1024 * 1024, 6));
    Files.delete(tree.resolve("gone.txt"));
    write(tree, "new.txt", "new");
    Result second = cli.run(bucket, tree.toString(), "--delete", "--part-size", "5MiB", "--json");
    assertEquals(1L, json(second).get("filesDeleted"), second.toString());

    Path dest = tmp.resolve("old");
    Result r = cli.run("restore", bucket, dest.toString(), "--snapshot", firstId);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(before, describe(dest));

    Path latest = tmp.resolve("latest");
    assertEquals(0, cli.run("restore", bucket, latest.toString()).exitCode());
    assertEquals(describe(tree), describe(latest));
  }

  @Test
  void olderSnapshotOfAnUnversionedBucketNamesWhatChangedSince() throws IOException {
    S3ProxyServer fs = S3ProxyServer.shared(Provider.FILESYSTEM);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    write(tree, "same.txt", "same");
    write(tree, "edit.txt", "version one");
    String bucket = newBucket();
    CliRunner cli = cli(fs);
    String firstId = (String) json(cli.run(bucket, tree.toString(), "--json")).get("snapshot");
    write(tree, "edit.txt", "version two");
    Files.setLastModifiedTime(tree.resolve("edit.txt"), FileTime.from(Instant.now().plusSeconds(3)));
    assertEquals(0, cli.run(bucket, tree.toString()).exitCode());

    Path dest = tmp.resolve("old");
    Result r = cli.run("restore", bucket, dest.toString(), "--snapshot", firstId);
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("edit.txt: changed in the bucket since snapshot " + firstId), r.err());
    assertEquals("same", Files.readString(dest.resolve("same.txt")));
    assertFalse(Files.exists(dest.resolve("edit.txt")), "never the wrong content");
  }

  @Test
  void bucketWrittenByAnotherToolRestoresFromItsListing() throws IOException {
    String bucket = newBucket();
    try (TestS3 s3 = new TestS3(server)) {
      s3.client().createBucket(b -> b.bucket(bucket));
      s3.client().putObject(b -> b.bucket(bucket).key("photos/2024 trip/beach.jpg")
          .metadata(Map.of("mtime", "1577934245.5", "mode", "0640")),
          RequestBody.fromString("jpeg bytes"));
      s3.put(bucket, "notes.md", "notes".getBytes(StandardCharsets.UTF_8));
      s3.put(bucket, "empty dir/", new byte[0]);
    }
    Path dest = tmp.resolve("dest");
    Result r = cli(server).run("restore", bucket, dest.toString(), "--json");
    assertEquals(0, r.exitCode(), r.toString());
    Path beach = dest.resolve("photos/2024 trip/beach.jpg");
    assertEquals("jpeg bytes", Files.readString(beach));
    assertEquals(Instant.parse("2020-01-02T03:04:05.500Z"), Files.getLastModifiedTime(beach).toInstant());
    if (Platform.posix()) {
      assertEquals("rw-r-----", mode(beach));
    }
    assertEquals("notes", Files.readString(dest.resolve("notes.md")));
    assertTrue(Files.isDirectory(dest.resolve("empty dir"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(r.err().contains("no p3backup snapshot"), r.err());
    // Identical files are recognised by their ETag: a second restore downloads nothing.
    Result again = cli(server).run("restore", bucket, dest.toString(), "--json");
    assertEquals(0L, json(again).get("bytesDownloaded"), again.toString());
  }

  @Test
  void restoreBadInputExits2() throws IOException {
    Path file = write(tmp, "a-file", "x");
    CliRunner cli = cli(server);
    assertEquals(2, cli.run("restore", "some-bucket").exitCode(), "DEST missing");
    assertEquals(2, cli.run("restore", "some-bucket", file.toString()).exitCode(), "DEST is a file");
    assertEquals(2, cli.run("restore", "Bad_Bucket", tmp.resolve("d").toString()).exitCode());
    assertEquals(2, cli.run("restore", "some-bucket", tmp.resolve("d").toString(), "--jobs", "0").exitCode());
  }

  @Test
  void missingBucketOrSnapshotExit1() throws IOException {
    CliRunner cli = cli(server);
    Result r = cli.run("restore", "no-such-bucket-anywhere", tmp.resolve("d").toString());
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("does not exist"), r.err());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Result r) {
    return (Map<String, Object>) Json.parse(r.out().trim());
  }
}
