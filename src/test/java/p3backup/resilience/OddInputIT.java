package p3backup.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.paths.EntryType;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.ExcludeRules;
import p3backup.scan.FileStat;
import p3backup.scan.LocalEntry;
import p3backup.scan.Scanner;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestCodec;
import p3backup.snapshot.ManifestEntry;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.Platform;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;
import software.amazon.awssdk.core.sync.RequestBody;

/** Odd trees, hostile manifests and secrets: never a crash without a message, never a leak. */
class OddInputIT {
  @TempDir Path tmp;

  static S3ProxyServer server() {
    return S3ProxyServer.shared(Provider.TRANSIENT);
  }

  CliRunner cli() throws IOException {
    return CliRunner.forServer(server(), Files.createDirectories(tmp.resolve("home")));
  }

  @Test
  void veryDeepNestingIsBackedUpAndRestored() throws IOException {
    Platform.assumeLongPaths();
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Path deep = tree;
    for (int i = 0; i < 450; i++) { // 900 bytes of key: S3 keys stop at 1024
      deep = deep.resolve("d");
    }
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("bottom.txt"), "bottom");
    String bucket = "odd-deep";
    Result r = cli().run(bucket, tree.toString());
    assertEquals(0, r.exitCode(), r.toString());
    Path dest = tmp.resolve("dest");
    assertEquals(0, cli().run("restore", bucket, dest.toString()).exitCode());
    assertEquals("bottom", Files.readString(dest.resolve(tree.relativize(deep)).resolve("bottom.txt")));
  }

  @Test
  void aHundredThousandFilesInOneDirectoryAreScannedInOrder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("flat"));
    for (int i = 0; i < 100_000; i++) {
      Files.createFile(dir.resolve(String.format("f%06d", i)));
    }
    Problems problems = new Problems(RunListener.NONE);
    List<LocalEntry> entries = new Scanner(tmp, ExcludeRules.none(), false, "", RunListener.NONE, problems).scan();
    assertEquals(100_001, entries.size());
    assertEquals("flat/f000000", entries.get(1).path());
    assertEquals("flat/f099999", entries.get(100_000).path());
    assertTrue(problems.sorted().isEmpty());
  }

  @Test
  void keysLongerThanS3AllowsAreNamedAndSkipped() throws IOException {
    Platform.assumeLongPaths();
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Path p = tree;
    for (int i = 0; i < 5; i++) {
      p = p.resolve("n".repeat(220));
    }
    Files.createDirectories(p.getParent());
    Files.writeString(p, "too long a key");
    Files.writeString(tree.resolve("ok.txt"), "ok");
    Result r = cli().run("odd-long-keys", tree.toString(), "--json");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("1024"), r.err());
  }

  void putManifest(String bucket, byte[] bytes) {
    try (TestS3 s3 = new TestS3(server())) {
      s3.client().createBucket(b -> b.bucket(bucket));
      s3.put(bucket, "a.txt", "a".getBytes(StandardCharsets.UTF_8));
      s3.client().putObject(b -> b.bucket(bucket).key(".p3backup/snapshots/20260101T000000.000Z.jsonl.gz"),
          RequestBody.fromInputStream(new ByteArrayInputStream(bytes), bytes.length));
    }
  }

  static Manifest manifest(ManifestEntry... entries) {
    return new Manifest("20260101T000000.000Z", Instant.parse("2026-01-01T00:00:00Z"), List.of(entries));
  }

  static ManifestEntry file(String path, long size, String sha) {
    return new ManifestEntry(path, EntryType.FILE, size, 0, 0644, sha, null, null, false, FileStat.NONE, null);
  }

  @Test
  void truncatedOrNonGzipManifestsFailWithAMessage() throws IOException {
    byte[] good = ManifestCodec.encode(manifest(file("a.txt", 1, "0".repeat(64))));
    putManifest("odd-truncated", Arrays.copyOf(good, good.length / 2));
    Result truncated = cli().run("restore", "odd-truncated", tmp.resolve("d1").toString());
    assertEquals(1, truncated.exitCode(), truncated.toString());
    assertTrue(truncated.err().contains("manifest"), truncated.err());
    assertEquals(1, truncated.err().strip().lines().count(), truncated.err());

    putManifest("odd-not-gzip", "{\"format\":\"p3backup-manifest\"}\n".getBytes(StandardCharsets.UTF_8));
    Result plain = cli().run("restore", "odd-not-gzip", tmp.resolve("d2").toString());
    assertEquals(1, plain.exitCode(), plain.toString());
    assertTrue(plain.err().contains("damaged manifest"), plain.err());

    ByteArrayOutputStream garbage = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(garbage)) {
      gz.write("not json at all\n".getBytes(StandardCharsets.UTF_8));
    }
    putManifest("odd-garbage", garbage.toByteArray());
    Result bad = cli().run("verify", "odd-garbage");
    assertEquals(1, bad.exitCode(), bad.toString());
    assertFalse(bad.err().contains("Exception"), bad.err());
  }

  @Test
  void manifestThatLiesAboutSizesOrRepeatsPathsNamesWhatItSkipped() throws IOException {
    String sha = p3backup.scan.Digests.hex(p3backup.scan.Digests.sha256().digest("a".getBytes(StandardCharsets.UTF_8)));
    putManifest("odd-lies", ManifestCodec.encode(manifest(
        file("a.txt", 1, sha), file("a.txt", 5, sha), file("b\0c", 1, sha))));
    Path dest = tmp.resolve("dest");
    Result r = cli().run("restore", "odd-lies", dest.toString());
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("a", Files.readString(dest.resolve("a.txt")));
    assertTrue(r.err().contains("NUL"), r.err());
  }

  @Test
  void noSecretIsEverPrintedEvenWithVerbose() throws IOException {
    String secret = "S3cr3tKeyThatMustNeverBePrinted/xyz";
    String token = "SessionTokenThatMustNeverBePrinted";
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    CliRunner wrong = new CliRunner(Files.createDirectories(tmp.resolve("home")))
        .env("AWS_ACCESS_KEY_ID", server().accessKey()).env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .withArgs("--endpoint-url", server().endpoint().toString(), "--verbose");
    for (Result r : List.of(wrong.run("odd-secrets", tree.toString()),
        wrong.run("restore", "odd-secrets", tmp.resolve("d").toString()),
        wrong.run("verify", "odd-secrets", "--json"), wrong.run("buckets"),
        wrong.run("snapshots", "odd-secrets"))) {
      assertEquals(1, r.exitCode(), r.toString());
      String all = r.out() + r.err();
      assertFalse(all.contains(secret), all);
      assertFalse(all.contains(token), all);
      assertFalse(all.contains("S3cr3t"), all);
    }
  }

  @Test
  void anUntrustedTlsCertificateFailsTheRunAndTheCaBundleMakesItTrusted() throws Exception {
    Path store = tmp.resolve("keystore.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "s", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertEquals(0, keytool.waitFor());
    Path pem = tmp.resolve("ca.pem");
    Process export = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-exportcert", "-rfc", "-alias", "s", "-keystore", store.toString(), "-storepass", "changeit",
        "-file", pem.toString()).redirectErrorStream(true).start();
    export.getInputStream().readAllBytes();
    assertEquals(0, export.waitFor());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
    int[] served = {0};
    https.createContext("/", x -> {
      served[0]++;
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    https.start();
    try {
      Path tree = Files.createDirectories(tmp.resolve("tree"));
      Files.writeString(tree.resolve("a.txt"), "a");
      String endpoint = "https://127.0.0.1:" + https.getAddress().getPort();
      Path home = Files.createDirectories(tmp.resolve("home"));
      Result r = new CliRunner(home)
          .env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s")
          .run("tls-bucket", tree.toString(), "--endpoint-url", endpoint);
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.err().contains("TLS certificate") && r.err().contains("AWS_CA_BUNDLE"), r.err());
      assertEquals(0, served[0], "no request got through the untrusted connection");

      // The server's certificate given as the CA bundle, by variable or in the profile: trusted.
      Result trusted = new CliRunner(home)
          .env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s").env("AWS_CA_BUNDLE", pem.toString())
          .run("snapshots", "tls-bucket", "--endpoint-url", endpoint);
      assertFalse(trusted.err().contains("TLS certificate"), trusted.toString());
      assertTrue(served[0] > 0, "requests got through: " + trusted);
      int before = served[0];
      Files.createDirectories(home.resolve(".aws"));
      Files.writeString(home.resolve(".aws/config"), "[profile private-ca]\naws_access_key_id = k\n"
          + "aws_secret_access_key = s\nca_bundle = " + pem + "\n");
      Result fromProfile = new CliRunner(home).run("snapshots", "tls-bucket", "--endpoint-url", endpoint, "--profile", "private-ca");
      assertFalse(fromProfile.err().contains("TLS certificate"), fromProfile.toString());
      assertTrue(served[0] > before, "requests got through: " + fromProfile);
    } finally {
      https.stop(0);
    }
  }

  @Test
  void anEndpointIsNeverPlainHttpUnlessGiven() throws IOException {
    // Without --endpoint-url, p3backup talks to AWS over HTTPS; an http:// URL only as given.
    Result r = new CliRunner(Files.createDirectories(tmp.resolve("home")))
        .env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s")
        .run("backup", "some-bucket", tmp.toString(), "--endpoint-url", "ftp://example");
    assertEquals(2, r.exitCode(), r.toString());
  }
}
