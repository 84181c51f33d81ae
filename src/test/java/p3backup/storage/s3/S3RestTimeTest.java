package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times as S3 spells them: ISO 8601 in listings, HTTP dates in headers. */
class S3RestTimeTest {
  @Test
  void bothSpellingsAreRead() {
    assertEquals(Instant.parse("2026-11-26T15:18:45.123Z"), S3Rest.parseTime("2026-11-26T15:18:45.123Z"));
    assertEquals(Instant.parse("2026-11-26T15:18:45Z"), S3Rest.parseTime("Thu, 26 Nov 2026 15:18:45 GMT"));
    assertEquals(Instant.parse("2026-11-06T15:18:45Z"), S3Rest.parseTime("6 Nov 2026 15:18:45 GMT"));
  }

  @Test
  void whatIsNeitherIsNull() {
    assertNull(S3Rest.parseTime(null));
    assertNull(S3Rest.parseTime(""));
    assertNull(S3Rest.parseTime("yesterday"));
    assertNull(S3Rest.parseTime("2026-13-45T99:00:00Z"));
    assertNull(S3Rest.parseTime("Thu, 26 Nov 2026 15:18:45"));
  }
}
