package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The AWS CLI's configuration as read from a given environment and home. */
class AwsConfigTest {
  @TempDir Path home;

  AwsConfig config(Map<String, String> env) {
    return new AwsConfig(new S3Settings(null, null, null, env, home, 4));
  }

  @ParameterizedTest
  @CsvSource({
      "example.com,       example.com,       true",
      "example.com,       s3.example.com,    true",
      ".example.com,      s3.example.com,    true",
      "*.example.com,     s3.example.com,    true",
      "example.com,       notexample.com,    false",
      "example.com:9000,  example.com,       true",
      "*,                 anything.at.all,   true",
      "10.0.0.1,          10.0.0.1,          true",
      "10.0.0.1,          10.0.0.12,         false",
  })
  void noProxyEntriesMatchAsTheAwsCliMatchesThem(String entry, String host, boolean bypassed) {
    List<String> patterns = AwsConfig.nonProxyHostPatterns("other.org, " + entry);
    assertEquals(bypassed, patterns.stream().anyMatch(host::matches), patterns.toString());
  }

  @Test
  void theProxyIsChosenByTheConnectionsSchemeLowerCaseFirst() {
    Map<String, String> env = Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "http://lower:2",
        "HTTP_PROXY", "plain:3", "NO_PROXY", "a.b");
    AwsConfig c = config(env);
    assertEquals("lower", c.proxy("https").orElseThrow().uri().getHost());
    assertEquals("http://plain:3", c.proxy("http").orElseThrow().uri().toString());
    assertEquals(1, c.proxy("http").orElseThrow().bypass().size());
    assertFalse(config(Map.of()).proxy("https").isPresent());
  }

  @Test
  void regionAndCaBundleComeFromTheProfileUnlessTheEnvironmentSaysOtherwise() throws Exception {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/config"),
        "[profile p]\nregion = eu-west-3\nca_bundle = ~/ca.pem\n");
    Map<String, String> env = new HashMap<>(Map.of("AWS_PROFILE", "p"));
    assertEquals("eu-west-3", config(env).region());
    assertEquals(home.resolve("ca.pem"), config(env).caBundle().orElseThrow());
    env.put("AWS_REGION", "ap-south-1");
    env.put("AWS_CA_BUNDLE", "/etc/other.pem");
    assertEquals("ap-south-1", config(env).region());
    assertEquals(Path.of("/etc/other.pem"), config(env).caBundle().orElseThrow());
    assertEquals("us-east-1", config(Map.of()).region());
    assertTrue(config(Map.of("AWS_PROFILE", "nope")).profileMissing());
  }
}
