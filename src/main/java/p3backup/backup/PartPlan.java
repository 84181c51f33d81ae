package p3backup.backup;

/**
 * How one file is cut into parts: S3 takes at most {@link #MAX_PARTS} parts of 5 MiB to 5 GiB
 * (the last may be smaller) and objects of at most 5 TiB. A file that the chosen part size would
 * cut into more parts gets parts as large as needed, rounded up to whole MiB.
 *
 * @param partSize the size of every part but the last
 * @param parts how many parts
 */
record PartPlan(long partSize, int parts) {
  static final int MAX_PARTS = 10_000;
  static final long MAX_PART = 5L << 30;
  static final long MAX_OBJECT = 5L << 40;
  private static final long MIB = 1 << 20;

  /** The plan for a file of {@code size} bytes, parts of {@code partSize} where they fit. */
  static PartPlan of(long size, long partSize) {
    if (size < 0 || partSize <= 0) {
      throw new IllegalArgumentException("size " + size + ", part size " + partSize);
    }
    if (size > MAX_OBJECT) {
      throw new IllegalArgumentException("larger than the 5 TiB S3 takes in one object");
    }
    long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
    long part = Math.max(partSize, (needed + MIB - 1) / MIB * MIB);
    if (part > MAX_PART) {
      throw new IllegalStateException("part size " + part + " above S3's 5 GiB");
    }
    long parts = size == 0 ? 1 : (size + part - 1) / part;
    return new PartPlan(part, (int) parts);
  }
}
