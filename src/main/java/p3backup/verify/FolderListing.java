package p3backup.verify;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import p3backup.paths.EntryType;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.ManifestReader;
import p3backup.work.Workers;

/**
 * The bucket's listing of a snapshot's objects, cut along the snapshot's folders so that several
 * listings run at once: one listing pages through 1,000 keys a request, one request after the
 * other, which at a million objects is a thousand round trips in a row.
 *
 * <p>The folders of the snapshot down to a depth {@code k} are listed shallow (the objects
 * directly in them) and those at depth {@code k} whole (everything under them), so every object
 * the snapshot names is listed once: a file in a folder above depth {@code k} by its folder's
 * shallow listing, any other by its ancestor's at depth {@code k}, a folder's marker object by
 * its own folder's listing. {@code k} is the deepest level at which the listings number at most
 * one per {@link #OBJECTS_PER_LISTING} objects of the snapshot, so requests grow at most tenfold
 * over one listing's pages (S3 bills LIST at $0.005 per 1,000), and 0 (one listing of it all, as
 * before) when even the first level has more folders than that. The folders are known from the
 * manifest, read once to choose {@code k} and once more as the listings are handed out; nothing
 * is held per folder.
 */
final class FolderListing {
  /** At most one listing per this many objects of the snapshot. */
  static final int OBJECTS_PER_LISTING = 100;
  /** The deepest level considered. */
  static final int MAX_DEPTH = 8;

  /** One listing: a folder's key prefix, whole or shallow. */
  interface Lister {
    void list(String prefix, boolean shallow);
  }

  /** What a manifest says of its folders: how many at each depth, and how many objects. */
  static final class Shape {
    private final long[] folders = new long[MAX_DEPTH + 1];
    private long objects;

    void add(ManifestEntry e) {
      if (e.hasObject()) {
        objects++;
      }
      if (e.type() == EntryType.DIR) {
        int depth = FolderListing.depth(e.path());
        if (depth <= MAX_DEPTH) {
          folders[depth]++;
        }
      }
    }

    /** The depth to cut at: 0 lists the whole target in one listing. */
    int depth(int jobs) {
      if (jobs < 2) {
        return 0;
      }
      long budget = objects / OBJECTS_PER_LISTING;
      long listings = 1; // the root
      int best = 0;
      for (int k = 1; k <= MAX_DEPTH && folders[k] > 0; k++) {
        listings += folders[k];
        if (listings > budget) {
          break;
        }
        best = k;
      }
      return best;
    }
  }

  private FolderListing() {}

  static int depth(String path) {
    int d = 1;
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      d++;
    }
    return d;
  }

  /**
   * Runs the listings of a snapshot whose folders are read from {@code manifest}, cut at
   * {@code depth}, on {@code jobs} threads; {@code lister} is called on those threads. Returns
   * when all are done; the first failure stops the rest and is thrown.
   */
  static void run(ManifestReader manifest, String keyPrefix, int depth, int jobs, Lister lister)
      throws IOException, InterruptedException {
    if (depth == 0) {
      lister.list(keyPrefix, false);
      return;
    }
    ExecutorService pool = Workers.pool("p3backup-list", jobs);
    ArrayDeque<Future<?>> window = new ArrayDeque<>();
    try {
      window.add(pool.submit(() -> lister.list(keyPrefix, true)));
      for (ManifestEntry e; (e = manifest.next()) != null; ) {
        if (e.type() != EntryType.DIR) {
          continue;
        }
        int d = depth(e.path());
        if (d > depth) {
          continue;
        }
        String prefix = keyPrefix + e.path() + "/";
        boolean shallow = d < depth;
        while (window.size() >= jobs * 4) {
          await(window.pollFirst(), window);
        }
        window.add(pool.submit(() -> lister.list(prefix, shallow)));
      }
      while (!window.isEmpty()) {
        await(window.pollFirst(), window);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits for a job; its failure cancels the others and is thrown. */
  static void await(Future<?> job, java.util.Collection<Future<?>> others)
      throws InterruptedException {
    try {
      job.get();
    } catch (ExecutionException ex) {
      others.forEach(x -> x.cancel(true));
      if (ex.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (ex.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(ex.getCause());
    }
  }
}
