package p3backup.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "my-backups",
        "my.backups.2024",
        "p3backup-11-01-19-173930",
        "0ab",
        "a-b.c-d",
        "123",
        "1.2.3",
        "1.2.3.4.5",
        "xn-abc",
        "abc-s3alia",
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0",
      })
  void validNameHasNoProblem(String name) {
    assertEquals(Optional.empty(), BucketNames.problem(name));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "My_Bucket     | invalid bucket name \"My_Bucket\": use 3-63 lowercase letters, digits, dots and hyphens",
        "ABC           | invalid bucket name \"ABC\": use 3-63 lowercase letters, digits, dots and hyphens",
        "'a b c'       | invalid bucket name \"a b c\": use 3-63 lowercase letters, digits, dots and hyphens",
        "caf\u00e9     | invalid bucket name \"caf\u00e9\": use 3-63 lowercase letters, digits, dots and hyphens",
        "ab            | invalid bucket name \"ab\": use 3-63 characters (it has 2)",
        "a             | invalid bucket name \"a\": use 3-63 characters (it has 1)",
        "-abc          | invalid bucket name \"-abc\": it must start and end with a lowercase letter or digit",
        "abc-          | invalid bucket name \"abc-\": it must start and end with a lowercase letter or digit",
        ".abc          | invalid bucket name \".abc\": it must start and end with a lowercase letter or digit",
        "abc.          | invalid bucket name \"abc.\": it must start and end with a lowercase letter or digit",
        "a..b          | invalid bucket name \"a..b\": it must not contain two dots in a row",
        "192.168.5.4   | invalid bucket name \"192.168.5.4\": it must not look like an IP address",
        "xn--abc       | invalid bucket name \"xn--abc\": S3 reserves names starting with \"xn--\"",
        "sthree-abc    | invalid bucket name \"sthree-abc\": S3 reserves names starting with \"sthree-\"",
        "sthree-configurator | invalid bucket name \"sthree-configurator\": S3 reserves names starting with \"sthree-\"",
        "amzn-s3-demo-x | invalid bucket name \"amzn-s3-demo-x\": S3 reserves names starting with \"amzn-s3-demo-\"",
        "abc-s3alias   | invalid bucket name \"abc-s3alias\": S3 reserves names ending with \"-s3alias\"",
        "abc--ol-s3    | invalid bucket name \"abc--ol-s3\": S3 reserves names ending with \"--ol-s3\"",
        "abc.mrap      | invalid bucket name \"abc.mrap\": S3 reserves names ending with \".mrap\"",
        "abc--x-s3     | invalid bucket name \"abc--x-s3\": S3 reserves names ending with \"--x-s3\"",
        "abc--table-s3 | invalid bucket name \"abc--table-s3\": S3 reserves names ending with \"--table-s3\"",
      })
  void invalidNameIsExplainedOnOneLine(String name, String message) {
    assertEquals(Optional.of(message), BucketNames.problem(name));
  }

  @Test
  void tooLongNameIsRejected() {
    String name = "a".repeat(64);

    assertEquals(
        Optional.of("invalid bucket name \"" + name + "\": use 3-63 characters (it has 64)"),
        BucketNames.problem(name));
  }

  @Test
  void emptyNameSaysToNameABucket() {
    assertEquals(
        Optional.of("the bucket name is empty: name a bucket, e.g. \"my-backups\""),
        BucketNames.problem(""));
    assertTrue(BucketNames.problem(null).isPresent());
  }

  @Test
  void controlCharactersInMessageAreEscaped() {
    String message = BucketNames.problem("ab\nc").orElseThrow();

    assertEquals(
        "invalid bucket name \"ab\\u000ac\": use 3-63 lowercase letters, digits, dots and hyphens",
        message);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2019-11-01T17:39:30, p3backup-11-01-19-173930",
    "2000-01-02T03:04:05, p3backup-01-02-00-030405",
    "2099-12-31T23:59:59, p3backup-12-31-99-235959",
    "2024-02-29T00:00:00, p3backup-02-29-24-000000",
  })
  void defaultNameEncodesLocalTimeAndParsesBack(LocalDateTime time, String name) {
    assertEquals(name, BucketNames.defaultName(time));
    assertEquals(Optional.of(time), BucketNames.parseDefaultName(name));
    assertEquals(Optional.empty(), BucketNames.problem(name));
  }

  @Test
  void defaultNameDropsFractionsOfSeconds() {
    assertEquals(
        "p3backup-11-01-19-173930",
        BucketNames.defaultName(LocalDateTime.of(2019, 11, 1, 17, 39, 30, 999_999_999)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my-backups",
        "p3backup",
        "p3backup-11-01-19",
        "p3backup-11-01-19-17393",
        "p3backup-11-01-19-1739300",
        "p3backup-11-01-2019-173930",
        "p3backup-13-01-19-173930",
        "p3backup-00-01-19-173930",
        "p3backup-02-30-20-000000",
        "p3backup-02-29-23-000000",
        "p3backup-11-01-19-243930",
        "p3backup-11-01-19-176030",
        "p3backup-11-01-19-173960",
        "p3backup-11-01-19-173930-x",
        "x-p3backup-11-01-19-173930",
        "p3backup-1a-01-19-173930",
        "p3backup-\u0661\u0661-01-19-173930",
        "",
      })
  void nameThatIsNotADefaultNameParsesToEmpty(String name) {
    assertEquals(Optional.empty(), BucketNames.parseDefaultName(name));
  }
}
