package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetadataTest {
  @ParameterizedTest
  @CsvSource({"1577934245123456789,1577934245.123456789", "1577934245000000000,1577934245",
      "1577934245500000000,1577934245.5", "0,0"})
  void mtimeIsSecondsWithFractionAsRcloneWritesIt(long nanos, String text) {
    assertEquals(text, Metadata.mtime(nanos));
  }

  @ParameterizedTest
  @CsvSource({"420,0644", "493,0755", "4095,7777"})
  void modeIsOctal(int mode, String text) {
    assertEquals(text, Metadata.mode(mode));
  }
}
