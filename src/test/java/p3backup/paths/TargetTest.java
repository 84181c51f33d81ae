package p3backup.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTest {

  @ParameterizedTest(name = "{0} -> bucket {1}, prefix [{2}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "my-bucket                     | my-bucket | ''",
        "my-bucket/                    | my-bucket | ''",
        "my-bucket//                   | my-bucket | ''",
        "my-bucket/photos              | my-bucket | photos",
        "my-bucket/photos/             | my-bucket | photos",
        "my-bucket/photos/2024/jan     | my-bucket | photos/2024/jan",
        "s3://my-bucket                | my-bucket | ''",
        "s3://my-bucket/               | my-bucket | ''",
        "s3://my-bucket/photos/2024/   | my-bucket | photos/2024",
        "S3://my-bucket/photos         | my-bucket | photos",
        "my.bucket/a b/c d             | my.bucket | a b/c d",
        "bucket/caf\u00e9/\u65e5\u672c | bucket    | caf\u00e9/\u65e5\u672c",
        "bucket/a+b%20c#d?e&f=g        | bucket    | a+b%20c#d?e&f=g",
        "bucket/.hidden/..x/x..        | bucket    | .hidden/..x/x..",
        "bucket/a\\b                   | bucket    | a\\b",
        "restore                       | restore   | ''",
        "default                       | default   | ''",
      })
  void parsesBucketAndNormalisedPrefix(String text, String bucket, String prefix) {
    Target target = Target.parse(text);

    assertEquals(new Target(bucket, prefix), target);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "bucket, ''",
    "bucket/, ''",
    "bucket/a, a/",
    "s3://bucket/a/b/, a/b/",
  })
  void keyPrefixIsEmptyOrEndsWithSlash(String text, String keyPrefix) {
    assertEquals(keyPrefix, Target.parse(text).keyPrefix());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "bucket, s3://bucket",
    "bucket/, s3://bucket",
    "bucket/a/b/, s3://bucket/a/b",
    "s3://bucket/a, s3://bucket/a",
  })
  void toStringIsAnS3Url(String text, String url) {
    assertEquals(url, Target.parse(text).toString());
    assertEquals(Target.parse(text), Target.parse(url));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                | the target is empty: give a bucket, e.g. \"my-backups\" or \"s3://my-backups/photos\"",
        "'  '              | the target is empty: give a bucket, e.g. \"my-backups\" or \"s3://my-backups/photos\"",
        "s3://             | the target \"s3://\" names no bucket: write it as bucket/prefix or s3://bucket/prefix",
        "/photos           | the target \"/photos\" names no bucket: write it as bucket/prefix or s3://bucket/prefix",
        "s3:///photos      | the target \"s3:///photos\" names no bucket: write it as bucket/prefix or s3://bucket/prefix",
        "My_Bucket         | invalid bucket name \"My_Bucket\": use 3-63 lowercase letters, digits, dots and hyphens",
        "s3://My_Bucket/x  | invalid bucket name \"My_Bucket\": use 3-63 lowercase letters, digits, dots and hyphens",
        "ab/photos         | invalid bucket name \"ab\": use 3-63 characters (it has 2)",
        "gs://bucket/x     | unsupported target \"gs://bucket/x\": only s3:// URLs are supported; use s3://bucket/prefix or bucket/prefix",
        "https://bucket    | unsupported target \"https://bucket\": only s3:// URLs are supported; use s3://bucket/prefix or bucket/prefix",
        "bucket//photos    | invalid prefix \"/photos\": it starts with '/'; write bucket/prefix with a single '/'",
        "bucket/a//b       | invalid prefix \"a//b\": it has an empty segment; write a single '/' between its parts",
        "bucket/.          | invalid prefix \".\": a segment \".\" means a directory step to S3 tools; name the folder instead",
        "bucket/..         | invalid prefix \"..\": a segment \"..\" means a directory step to S3 tools; name the folder instead",
        "bucket/a/../b     | invalid prefix \"a/../b\": a segment \"..\" means a directory step to S3 tools; name the folder instead",
        "s3://bucket/a/./b | invalid prefix \"a/./b\": a segment \".\" means a directory step to S3 tools; name the folder instead",
        "bucket/a/..       | invalid prefix \"a/..\": a segment \"..\" means a directory step to S3 tools; name the folder instead",
      })
  void invalidTargetIsRejectedWithOneLineMessage(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Target.parse(text));

    assertEquals(message, e.getMessage());
  }

  @Test
  void nullTargetIsRejectedAsEmpty() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Target.parse(null));

    assertTrue(e.getMessage().startsWith("the target is empty"));
  }

  @Test
  void prefixThatS3CannotHoldIsRejected() {
    IllegalArgumentException nul =
        assertThrows(IllegalArgumentException.class, () -> Target.parse("bucket/a\0b"));
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> Target.parse("bucket/" + "x".repeat(1024)));

    assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
    assertFalse(nul.getMessage().contains("\0"));
    assertTrue(tooLong.getMessage().contains("1025 bytes"), tooLong.getMessage());
  }

  @Test
  void constructorEnforcesTheSameRules() {
    assertThrows(IllegalArgumentException.class, () -> new Target("Bad", ""));
    assertThrows(IllegalArgumentException.class, () -> new Target("bucket", "/a"));
    assertThrows(IllegalArgumentException.class, () -> new Target("bucket", "a/"));
    assertThrows(IllegalArgumentException.class, () -> new Target("bucket", "a//b"));
    assertThrows(IllegalArgumentException.class, () -> new Target("bucket", ".."));
    assertThrows(NullPointerException.class, () -> new Target("bucket", null));
    assertEquals("s3://bucket/a/b", new Target("bucket", "a/b").toString());
  }
}
