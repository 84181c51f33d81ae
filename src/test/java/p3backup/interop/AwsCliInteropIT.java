package p3backup.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;

/**
 * What p3backup uploads must look right to other S3 tools: the AWS CLI lists the same keys,
 * downloads the same bytes with {@code aws s3 sync}, and sees the mtime metadata. Skipped, with
 * the reason, where the AWS CLI is not installed.
 */
class AwsCliInteropIT {
  @TempDir Path tmp;

  static boolean awsInstalled() {
    try {
      return new ProcessBuilder("aws", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  String aws(S3ProxyServer server, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("aws", "--endpoint-url", server.endpoint().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", server.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", server.secretKey());
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", tmp.resolve("none").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString());
    env.remove("AWS_PROFILE");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    return out;
  }

  @Test
  void awsCliSeesTheTreeAsItIs() throws Exception {
    assumeTrue(awsInstalled(), "the AWS CLI (aws) is not installed");
    S3ProxyServer server = S3ProxyServer.shared(Provider.FILESYSTEM);
    Path tree = Files.createDirectories(tmp.resolve("my tree"));
    Files.createDirectories(tree.resolve("docs/sub dir"));
    Files.writeString(tree.resolve("docs/read me.txt"), "read me");
    Files.writeString(tree.resolve("docs/sub dir/r\u00e9sum\u00e9.txt"), "cv");
    byte[] big = new byte[7 * 1024 * 1024];
    new Random(7).nextBytes(big);
    Files.write(tree.resolve("big.bin"), big);
    String bucket = "interop-" + ProcessHandle.current().pid();

    Result r = CliRunner.forServer(server, Files.createDirectories(tmp.resolve("home")))
        .run(bucket, tree.toString(), "--part-size", "5MiB", "-q");
    assertEquals(0, r.exitCode(), r.toString());

    String listing = aws(server, "s3", "ls", "--recursive", "s3://" + bucket);
    assertTrue(listing.contains(" docs/read me.txt"), listing);
    assertTrue(listing.contains(" docs/sub dir/r\u00e9sum\u00e9.txt"), listing);
    String head = aws(server, "s3api", "head-object", "--bucket", bucket, "--key", "docs/read me.txt");
    assertTrue(head.contains("\"mtime\""), head);

    Path down = tmp.resolve("down");
    aws(server, "s3", "sync", "s3://" + bucket, down.toString(), "--exclude", ".p3backup/*");
    assertArrayEquals(big, Files.readAllBytes(down.resolve("big.bin")));
    assertEquals("cv", Files.readString(down.resolve("docs/sub dir/r\u00e9sum\u00e9.txt")));
    try (Stream<Path> files = Files.walk(down)) {
      assertEquals(3, files.filter(Files::isRegularFile).count());
    }
  }
}
