package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Times as S3 spells them: ISO 8601 in listings, HTTP dates in headers, x-amz-date. */
class S3RestTimeTest {
  @Test
  void bothSpellingsAreRead() {
    assertEquals(Instant.parse("2026-11-26T15:18:45.123Z"), S3Rest.parseTime("2026-11-26T15:18:45.123Z"));
    assertEquals(Instant.parse("2026-11-26T15:18:45Z"), S3Rest.parseTime("Thu, 26 Nov 2026 15:18:45 GMT"));
    assertEquals(Instant.parse("1994-11-06T08:49:37Z"), S3Rest.parseTime("Sun, 06 Nov 1994 08:49:37 GMT"));
    assertEquals(Instant.parse("2024-02-29T00:00:00Z"), S3Rest.parseTime("Thu, 29 Feb 2024 00:00:00 GMT"));
    // Spellings the hand-made reader leaves to the JDK's RFC 1123 parser.
    assertEquals(Instant.parse("2026-11-06T15:18:45Z"), S3Rest.parseTime("6 Nov 2026 15:18:45 GMT"));
    assertEquals(Instant.parse("2026-11-06T15:18:45Z"), S3Rest.parseTime("Fri, 6 Nov 2026 15:18:45 GMT"));
    assertEquals(Instant.parse("2026-11-26T14:18:45Z"), S3Rest.parseTime("Thu, 26 Nov 2026 15:18:45 +0100"));
  }

  @Test
  void whatIsNeitherIsNull() {
    assertNull(S3Rest.parseTime(null));
    assertNull(S3Rest.parseTime(""));
    assertNull(S3Rest.parseTime("yesterday"));
    assertNull(S3Rest.parseTime("2026-13-45T99:00:00Z"));
    assertNull(S3Rest.parseTime("Thu, 26 Nov 2026 15:18:45"));
    assertNull(S3Rest.parseTime("Thu, 31 Nov 2026 15:18:45 GMT"));
    assertNull(S3Rest.parseTime("Thu, 26 Nox 2026 15:18:45 GMT"));
    assertNull(S3Rest.parseTime("Thu, 26 anD 2026 15:18:45 GMT"));
    assertNull(S3Rest.parseTime("Thu, 26 Nov 2026 24:18:45 GMT"));
    assertNull(S3Rest.parseTime("Thu, 2x Nov 2026 15:18:45 GMT"));
  }

  @Test
  void amzDateIsTheSecondInUtc() {
    DateTimeFormatter reference = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    long[] times = {0L, 999L, 1_000L, 951_782_400_000L, 1_795_756_604_449L, 1_795_756_604_999L,
        4_102_444_799_000L, 253_402_300_799_000L};
    for (long t : times) {
      assertEquals(reference.format(Instant.ofEpochMilli(t)), S3Rest.amzDate(t), Long.toString(t));
      assertEquals(reference.format(Instant.ofEpochMilli(t)), S3Rest.amzDate(t), "again, " + t);
    }
  }
}
