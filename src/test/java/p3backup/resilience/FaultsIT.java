package p3backup.resilience;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.FaultProxy;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.TestS3;

/**
 * Backup, restore and verify through a relay that injects faults into a share of the requests
 * (seeded: the same faults every run): they retry and end with exit 0 and a byte-identical
 * result, checked directly against the server. A server that never recovers makes the run give
 * up in bounded time with exit 1 and a clear message.
 */
class FaultsIT {
  @TempDir Path tmp;

  @Test
  void backupRestoreAndVerifyGetThroughFaults() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Random r = new Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[1 + r.nextInt(8192)];
      r.nextBytes(b);
      Files.write(Files.createDirectories(tree.resolve("d" + (i % 10))).resolve("f" + i), b);
    }
    for (int i = 0; i < 3; i++) {
      byte[] b = new byte[(17 << 20) + i]; // past restore's 16 MiB ranges too
      r.nextBytes(b);
      Files.write(tree.resolve("big" + i + ".bin"), b);
    }
    String bucket = "faults-it";
    try (FaultProxy proxy = new FaultProxy(server.endpoint(), 7, 0.15)) {
      CliRunner cli = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")), proxy.endpoint());
      Result backup = cli.run(bucket, tree.toString(), "--part-size", "5MiB");
      assertEquals(0, backup.exitCode(), backup.toString());
      Path dest = tmp.resolve("dest");
      Result restore = cli.run("restore", bucket, dest.toString());
      assertEquals(0, restore.exitCode(), restore.toString());
      Result verify = cli.run("verify", bucket, dest.toString(), "--read-data");
      assertEquals(0, verify.exitCode(), verify.toString());
      Map<FaultProxy.Fault, Integer> counts = proxy.counts();
      for (FaultProxy.Fault f : FaultProxy.Fault.values()) {
        assertTrue(counts.getOrDefault(f, 0) > 0, "every kind of fault happened: " + counts);
      }
      // Byte-identical, checked directly against the server.
      try (TestS3 s3 = new TestS3(server)) {
        for (int i = 0; i < 300; i += 13) {
          Path f = tree.resolve("d" + (i % 10)).resolve("f" + i);
          assertArrayEquals(Files.readAllBytes(f), s3.get(bucket, "d" + (i % 10) + "/f" + i));
          assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(dest.resolve("d" + (i % 10)).resolve("f" + i)));
        }
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(Files.readAllBytes(tree.resolve("big" + i + ".bin")), s3.get(bucket, "big" + i + ".bin"));
        }
      }
    }
  }

  @Test
  void aServerThatNeverRecoversMakesTheRunGiveUpInBoundedTime() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    try (FaultProxy proxy = new FaultProxy(server.endpoint(), 1, 0)) {
      proxy.failEverything();
      long start = System.nanoTime();
      Result r = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")), proxy.endpoint())
          .run("never-recovers", tree.toString());
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(seconds < 120, "gave up after " + seconds + " s");
      assertTrue(r.err().contains("SlowDown") || r.err().contains("try again later"), r.err());
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
  }

  @Test
  void aServerThatStopsAnsweringMidRunIsSaidToBeRetriedAndTheErrorNamesTheCause() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared(Provider.TRANSIENT);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(tree.resolve("f" + i), "file " + i);
    }
    try (FaultProxy proxy = new FaultProxy(server.endpoint(), 1, 0)) {
      proxy.stopAfter(12); // the bucket is made, a few files land, then nothing answers
      Result r = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")), proxy.endpoint())
          .run("stops-mid-run", tree.toString(), "--verbose", "--jobs", "2");
      assertEquals(1, r.exitCode(), r.toString());
      assertTrue(r.err().contains("retrying: connection refused, attempt 2 of 10"), r.err());
      assertTrue(r.err().contains("retrying: connection refused, attempt 10 of 10"), r.err());
      String error = r.err().lines().filter(l -> l.startsWith("p3backup: ")).reduce((a, b) -> b).orElse("");
      assertTrue(error.contains("Connection refused") && error.contains("cannot connect"), r.err());
    }
  }
}
