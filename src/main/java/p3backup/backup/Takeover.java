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
  private List<ManifestEntry> filling = new ArrayList<>();
  private final List<Path> spilled = new ArrayList<>();
  private long count;
  private boolean reading;
  private PriorityQueue<Head> heads;
  private final List<ManifestReader> readers = new ArrayList<>();
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
    if (reading || filling == null) {
      throw new IllegalStateException("takeover already being read");
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
    if (count == 0) {
      return 0;
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
    List<ManifestReader> counting = new ArrayList<>();
    try {
      PriorityQueue<Head> q = new PriorityQueue<>(ORDER);
      for (int i = 0; i < spilled.size(); i++) {
        counting.add(ManifestReader.open(Files.newInputStream(spilled.get(i)), "takeover chunk " + i));
        ManifestEntry e = counting.get(i).next();
        if (e != null) {
          q.add(new Head(e, i));
        }
      }
      String last = null;
      while (!q.isEmpty()) {
        Head h = q.poll();
        if (!h.entry().path().equals(last)) {
          distinct++;
          last = h.entry().path();
        }
        ManifestEntry e = counting.get(h.chunk()).next();
        if (e != null) {
          q.add(new Head(e, h.chunk()));
        }
      }
    } finally {
      for (ManifestReader r : counting) {
        r.close();
      }
    }
    return distinct;
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

  /** The next entry of one chunk, with the chunk's number: a later chunk wins a tie. */
  private record Head(ManifestEntry entry, int chunk) {}

  private static final Comparator<Head> ORDER = Comparator
      .comparing((Head h) -> h.entry().path())
      .thenComparing(Head::chunk, Comparator.reverseOrder());

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
    if (!reading) {
      open();
    }
    ManifestEntry found = null;
    while (!heads.isEmpty() && heads.peek().entry().path().compareTo(path) <= 0) {
      Head h = heads.poll();
      if (h.entry().path().equals(path) && found == null) {
        found = h.entry(); // the first of equal paths comes from the latest chunk
      }
      advance(h.chunk());
    }
    return found;
  }

  private void open() throws IOException {
    if (filling != null) {
      finish();
    }
    reading = true;
    heads = new PriorityQueue<>(ORDER);
    if (memory != null) {
      if (!memory.isEmpty()) {
        heads.add(new Head(memory.get(0), 0));
      }
      return;
    }
    for (int i = 0; i < spilled.size(); i++) {
      Path f = spilled.get(i);
      readers.add(ManifestReader.open(Files.newInputStream(f), "takeover chunk " + i));
      advance(i);
    }
  }

  /** The one chunk, when nothing was spilled, and where the next of it is. */
  private List<ManifestEntry> memory;
  private int memoryNext = 1;

  private void advance(int chunk) throws IOException {
    if (memory != null) {
      if (memoryNext < memory.size()) {
        heads.add(new Head(memory.get(memoryNext++), 0));
      }
      return;
    }
    ManifestEntry e = readers.get(chunk).next();
    if (e != null) {
      heads.add(new Head(e, chunk));
    }
  }

  /** Deletes the spilled chunks. */
  @Override
  public void close() {
    for (ManifestReader r : readers) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (IOException ignored) {
        // deleted below all the same
      }
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
