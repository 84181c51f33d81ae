package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizesTest {
  @ParameterizedTest
  @CsvSource({"8MiB,8388608", "8M,8388608", "8MB,8000000", "1.5GiB,1610612736", "1024,1024",
      "64 KiB,65536", "5mib,5242880"})
  void parsesSizesWithUnits(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @Test
  void rejectsNonsenseAsUsageError() {
    assertThrows(UsageException.class, () -> Sizes.parse("lots"));
  }

  @ParameterizedTest
  @CsvSource({"0,0 B", "1023,1023 B", "1536,1.5 KiB", "10485760,10 MiB"})
  void printsHumanSizes(long bytes, String text) {
    assertEquals(text, Sizes.human(bytes));
  }
}
