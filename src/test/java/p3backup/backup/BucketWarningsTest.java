package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A server that lacks bucket features gets one warning line, not one per feature. */
class BucketWarningsTest {
  static String unset(String what, String reason) {
    return "bucket b1: the server did not set " + what + " (" + reason + "); going on without it";
  }

  @Test
  void fourFeaturesTheServerLacksMakeOneLineListingThem() {
    List<String> four = List.of(unset("versioning", "NotImplemented"),
        unset("Block Public Access", "NotImplemented"),
        unset("default encryption (SSE-S3)", "NotImplemented"),
        unset("a rule aborting incomplete multipart uploads after 7 days", "NotImplemented"));
    assertEquals(Optional.of("bucket b1: this server does not take versioning, Block Public Access,"
        + " default encryption (SSE-S3) or a rule aborting incomplete multipart uploads after 7 days"
        + " (NotImplemented); going on without them"), BucketWarnings.merge("b1", four));
  }

  @Test
  void differentReasonsAreGivenEach() {
    assertEquals(Optional.of("bucket b1: this server does not take versioning (NotImplemented) or"
        + " Block Public Access (HTTP 400); going on without them"),
        BucketWarnings.merge("b1", List.of(unset("versioning", "NotImplemented"),
            unset("Block Public Access", "HTTP 400"))));
  }

  @Test
  void oneWarningOrNoneStaysAsItIs() {
    assertEquals(Optional.empty(), BucketWarnings.merge("b1", List.of()));
    assertEquals(Optional.of(unset("versioning", "NotImplemented")),
        BucketWarnings.merge("b1", List.of(unset("versioning", "NotImplemented"))));
  }

  @Test
  void warningsWordedOtherwiseAreStillJoinedInOneLine() {
    assertEquals(Optional.of("bucket b1: no versioning here; no lifecycle rules either"),
        BucketWarnings.merge("b1", List.of("bucket b1: no versioning here", "no lifecycle rules either")));
  }
}
