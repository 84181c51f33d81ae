package p3backup.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;
import p3backup.testing.S3MockServer;
import p3backup.testing.S3ProxyServer;
import p3backup.testing.S3ProxyServer.Provider;
import p3backup.testing.S3Server;
import p3backup.testing.TestS3;

/**
 * Credentials from profiles the AWS CLI understands and a plain key pair does not: an assumed
 * role (role_arn + source_profile, through STS), IAM Identity Center (sso_session, with the
 * token cache that `aws sso login` writes), and credential_process. STS and the SSO portal are
 * played by a local server that hands out temporary keys; the SDK finds it through
 * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_SSO, which it reads from the process environment, so
 * those runs start the built jar as a process of its own, against S3Mock (S3Proxy refuses
 * session tokens).
 */
class CredentialSourcesIT {
  @TempDir Path tmp;
  private HttpServer aws;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private S3ProxyServer server;
  private final S3MockServer mock = S3MockServer.shared();
  private Path home;
  private Path tree;

  @BeforeEach
  void start() throws IOException {
    server = S3ProxyServer.shared(Provider.TRANSIENT);
    home = Files.createDirectories(tmp.resolve("home"));
    tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    aws.createContext("/", this::answer);
    aws.start();
  }

  @AfterEach
  void stop() {
    aws.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String auth = String.valueOf(x.getRequestHeaders().getFirst("Authorization"));
      String reply;
      if (body.contains("Action=AssumeRole")) {
        seen.add("sts " + auth.substring(0, Math.min(auth.length(), 45)));
        reply = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
            + "<Credentials><AccessKeyId>" + server.accessKey() + "</AccessKeyId><SecretAccessKey>"
            + server.secretKey() + "</SecretAccessKey><SessionToken>role-session</SessionToken>"
            + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>"
            + "<AssumedRoleId>AROAEXAMPLE:p3</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/backup/p3"
            + "</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId>"
            + "</ResponseMetadata></AssumeRoleResponse>";
        x.getResponseHeaders().add("Content-Type", "text/xml");
      } else if (x.getRequestURI().getPath().equals("/federation/credentials")) {
        seen.add("sso " + x.getRequestURI().getQuery() + " "
            + x.getRequestHeaders().getFirst("x-amz-sso_bearer_token"));
        reply = "{\"roleCredentials\":{\"accessKeyId\":\"" + server.accessKey() + "\",\"secretAccessKey\":\""
            + server.secretKey() + "\",\"sessionToken\":\"sso-session\",\"expiration\":4070908800000}}";
        x.getResponseHeaders().add("Content-Type", "application/json");
      } else {
        seen.add("other " + x.getRequestMethod() + " " + x.getRequestURI());
        x.sendResponseHeaders(400, -1);
        return;
      }
      byte[] b = reply.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, b.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private String local() {
    return "http://127.0.0.1:" + aws.getAddress().getPort();
  }

  /**
   * Runs p3backup as a process of its own (the built jar, or the command under test) with
   * exactly these variables: the SDK's STS and SSO clients read the process's environment.
   */
  private Result runJar(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = CliRunner.processCommand();
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    Map<String, String> vars = new java.util.HashMap<>(Map.of(
        "AWS_EC2_METADATA_DISABLED", "true",
        "AWS_CONFIG_FILE", home.resolve(".aws/config").toString(),
        "AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString()));
    vars.putAll(env);
    CliRunner.processEnvironment(pb.environment(), home, vars);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "p3backup finished");
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private void config(String text) throws IOException {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/config"), text);
  }

  private static void backedUp(S3Server where, String bucket) {
    try (TestS3 s3 = new TestS3(where)) {
      assertTrue(s3.keys(bucket).contains("a.txt"), s3.keys(bucket).toString());
    }
  }

  @Test
  void anAssumedRoleFromASourceProfileGoesThroughSts() throws Exception {
    config("[profile base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = source-secret\n"
        + "region = us-east-1\n\n[profile backup]\nrole_arn = arn:aws:iam::123456789012:role/backup\n"
        + "source_profile = base\nrole_session_name = p3\nregion = us-east-1\n");
    Result r = runJar(Map.of("AWS_ENDPOINT_URL_STS", local()), "--profile", "backup", "assumed-role-it",
        tree.toString(), "--endpoint-url", mock.endpoint().toString(), "--no-progress");
    assertEquals(0, r.exitCode(), r.toString() + seen);
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("sts ") && s.contains("Credential=AKIDSOURCE/")),
        "STS was asked with the source profile's key: " + seen);
    backedUp(mock, "assumed-role-it");
  }

  @Test
  void anIamIdentityCenterSessionUsesTheTokenThatAwsSsoLoginCached() throws Exception {
    config("[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Backup\n"
        + "region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        + "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n");
    Path cache = Files.createDirectories(home.resolve(".aws/sso/cache"));
    Files.writeString(cache.resolve(sha1("corp") + ".json"), "{\"startUrl\":\"https://corp.awsapps.com/start\","
        + "\"region\":\"us-east-1\",\"accessToken\":\"cached-token\",\"expiresAt\":\"2099-01-01T00:00:00Z\","
        + "\"clientId\":\"c\",\"clientSecret\":\"s\",\"registrationExpiresAt\":\"2099-01-01T00:00:00Z\","
        + "\"refreshToken\":\"r\"}");
    Result r = runJar(Map.of("AWS_ENDPOINT_URL_SSO", local(), "AWS_PROFILE", "sso"), "sso-session-it",
        tree.toString(), "--endpoint-url", mock.endpoint().toString(), "--no-progress");
    assertEquals(0, r.exitCode(), r.toString() + seen);
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("sso ") && s.contains("role_name=Backup")
        && s.endsWith(" cached-token")), "the portal was asked with the cached token: " + seen);
    backedUp(mock, "sso-session-it");
  }

  @Test
  void anExpiredIdentityCenterSessionSaysToLogInAgain() throws Exception {
    config("[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Backup\n"
        + "region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        + "sso_region = us-east-1\n");
    Result r = new CliRunner(home).env("AWS_PROFILE", "sso")
        .run("sso-expired-it", tree.toString(), "--endpoint-url", server.endpoint().toString());
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.err().contains("aws sso login --profile sso"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void aCredentialProcessGivesTheKeys() throws Exception {
    Path script = tmp.resolve("creds.sh");
    Files.writeString(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"" + server.accessKey()
        + "\", \"SecretAccessKey\": \"" + server.secretKey() + "\"}'\n");
    assertTrue(script.toFile().setExecutable(true));
    config("[profile proc]\ncredential_process = " + script + "\nregion = us-east-1\n");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell");
    Result r = new CliRunner(home).env("AWS_PROFILE", "proc")
        .run("credential-process-it", tree.toString(), "--endpoint-url", server.endpoint().toString());
    assertEquals(0, r.exitCode(), r.toString());
    backedUp(server, "credential-process-it");
  }

  private static String sha1(String s) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
