package p3backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartPlanTest {
  private static final long MIB = 1 << 20;
  private static final long PART = 8 * MIB;

  @Test
  void filesThatFitTenThousandPartsKeepThePartSize() {
    assertEquals(new PartPlan(PART, 1), PartPlan.of(PART, PART));
    assertEquals(new PartPlan(PART, 2), PartPlan.of(PART + 1, PART));
    assertEquals(new PartPlan(PART, 10_000), PartPlan.of(10_000 * PART, PART));
  }

  @Test
  void aLargerFileGetsLargerPartsInWholeMebibytes() {
    PartPlan p = PartPlan.of(10_000 * PART + 1, PART);
    assertEquals(9 * MIB, p.partSize());
    assertTrue(p.parts() <= 10_000);
    assertEquals((10_000 * PART + 1 + 9 * MIB - 1) / (9 * MIB), p.parts());
  }

  @Test
  void aFiveTebibyteFileIsPlannedWithinS3sLimits() {
    long size = 5L << 40;
    PartPlan p = PartPlan.of(size, PART);
    assertEquals(525 * MIB, p.partSize(), "5 TiB / 10,000 = 524.288 MiB, rounded up to 525");
    assertEquals(9_987, p.parts());
    assertTrue(p.partSize() * (p.parts() - 1) < size && p.partSize() * p.parts() >= size,
        "the parts cover the file exactly, the last one partly");
    assertTrue(p.partSize() <= 5L << 30 && p.partSize() >= 5 * MIB);
    assertThrows(IllegalArgumentException.class, () -> PartPlan.of(size + 1, PART),
        "above 5 TiB S3 takes no object");
  }

  @Test
  void aPartSizeAboveTheNeedIsKept() {
    assertEquals(new PartPlan(1L << 30, 5), PartPlan.of(5L << 30, 1L << 30));
  }
}
