package p3backup.backup;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestReader;
import p3backup.snapshot.ManifestWriter;

/**
 * What interrupted runs uploaded, handed to the planner in path order: their journals come in the
 * order the files landed, so they are sorted on the way, {@link #CHUNK} entries at a time in
 * memory, each sorted chunk spilled to a temporary file once there is more than one, and the
 * chunks merged as the planner asks. Memory holds one chunk while taking in, then one entry of
 * each chunk, never a record per file the dead runs uploaded. For a path given more than once the
 * one added last (the newer run, the later segment) counts.
 */
final class Takeover implements Closeable {
  /** Entries sorted in memory at a time: some 15 MiB of them. */
  static final int CHUNK = 50_000;

  private final Path dir;
  private final int chunkSize;
  /** The chunk being filled; null once {@link #finish} has sorted it. */
  private List<ManifestEntry> filling = new ArrayList<>();
  /** The only chunk, sorted, when nothing was spilled. */
  private List<ManifestEntry> memory;
  private final List<Path> spilled = new ArrayList<>();
  private long count;
  private Merge reading;
  private ManifestEntry next;
  private String lastAsked;

  /** Nothing to take over. */
  static Takeover none() {
    return new Takeover(null, CHUNK);
  }

  /** A takeover whose spilled chunks go in {@code dir} (the system's temporary folder if null). */
  Takeover(Path dir) {
    this(dir, CHUNK);
  }

  Takeover(Path dir, int chunkSize) {
    this.dir = dir;
    this.chunkSize = chunkSize;
  }

  /** Adds what a dead run uploaded, in the order it landed. */
  void add(ManifestEntry e) {
    if (filling == null) {
      throw new IllegalStateException("takeover already finished");
    }
    filling.add(e);
    count++;
    if (filling.size() >= chunkSize) {
      spill();
    }
  }

  /** How many entries were added (a path given twice counts twice). */
  long added() {
    return count;
  }

  /**
   * Ends the taking in; returns how many paths it holds, each once (a merge of the spilled
   * chunks when there are several: local files, some 60 bytes an entry).
   */
  long finish() throws IOException {
    if (filling == null) {
      throw new IllegalStateException("takeover already finished");
    }
    if (spilled.isEmpty()) {
      memory = sorted(filling);
      filling = null;
      return memory.size();
    }
    if (!filling.isEmpty()) {
      spill();
    }
    filling = null;
    long distinct = 0;
    try (Merge m = new Merge()) {
      while (m.next() != null) {
        distinct++;
      }
    }
    return distinct;
  }

  /**
   * What the dead runs uploaded at {@code path}, or null. Paths must be asked in increasing
   * order, as the planner walks them.
   */
  ManifestEntry at(String path) throws IOException {
    if (count == 0) {
      return null;
    }
    if (lastAsked != null && lastAsked.compareTo(path) >= 0) {
      throw new IllegalStateException("takeover asked out of order: " + path + " after " + lastAsked);
    }
    lastAsked = path;
    if (reading == null) {
      if (filling != null) {
        finish();
      }
      reading = new Merge();
      next = reading.next();
    }
    while (next != null && next.path().compareTo(path) < 0) {
      next = reading.next();
    }
    return next != null && next.path().equals(path) ? next : null;
  }

  /** The sorted chunk, each path once, the last one added for it kept. */
  private static List<ManifestEntry> sorted(List<ManifestEntry> entries) {
    List<ManifestEntry> s = new ArrayList<>(entries);
    s.sort(Comparator.comparing(ManifestEntry::path)); // stable: equal paths stay in order
    List<ManifestEntry> out = new ArrayList<>(s.size());
    for (ManifestEntry e : s) {
      if (!out.isEmpty() && out.get(out.size() - 1).path().equals(e.path())) {
        out.set(out.size() - 1, e);
      } else {
        out.add(e);
      }
    }
    return out;
  }

  private void spill() {
    try (ManifestWriter w = new ManifestWriter(dir)) {
      for (ManifestEntry e : sorted(filling)) {
        w.add(e);
      }
      Path file = w.finish("takeover", Instant.EPOCH);
      w.keep();
      spilled.add(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the interrupted run's journal on disk: "
          + e.getMessage(), e);
    }
    filling = new ArrayList<>();
  }

  /**
   * The finished chunks merged in path order, each path once: of equal paths the one from the
   * latest chunk (chunks are in the order their entries were added).
   */
  private final class Merge implements Closeable {
    /** The next entry of one chunk, with the chunk's number: a later chunk wins a tie. */
    private record Head(ManifestEntry entry, int chunk) {}

    private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator
        .comparing((Head h) -> h.entry().path())
        .thenComparing(Head::chunk, Comparator.reverseOrder()));
    private final List<ManifestReader> readers = new ArrayList<>();
    private int inMemory;

    Merge() throws IOException {
      try {
        if (memory != null) {
          advance(0);
        }
        for (int i = 0; memory == null && i < spilled.size(); i++) {
          readers.add(ManifestReader.open(Files.newInputStream(spilled.get(i)),
              "takeover chunk " + i));
          advance(i);
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /** The next path's entry, or null after the last. */
    ManifestEntry next() throws IOException {
      Head h = heads.poll();
      if (h == null) {
        return null;
      }
      advance(h.chunk());
      while (!heads.isEmpty() && heads.peek().entry().path().equals(h.entry().path())) {
        advance(heads.poll().chunk()); // an older chunk's entry for the same path
      }
      return h.entry();
    }

    private void advance(int chunk) throws IOException {
      ManifestEntry e = memory != null
          ? (inMemory < memory.size() ? memory.get(inMemory++) : null)
          : readers.get(chunk).next();
      if (e != null) {
        heads.add(new Head(e, chunk));
      }
    }

    @Override
    public void close() {
      for (ManifestReader r : readers) {
        try {
          r.close();
        } catch (IOException ignored) {
          // its file is deleted all the same
        }
      }
    }
  }

  /** Deletes the spilled chunks. */
  @Override
  public void close() {
    if (reading != null) {
      reading.close();
    }
    for (Path f : spilled) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // a temporary file left behind
      }
    }
  }
}
