package p3backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.paths.SafeDestination;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;
import p3backup.scan.Digests;
import p3backup.scan.FileStat;
import p3backup.snapshot.ManifestReader;
import p3backup.snapshot.ManifestEntry;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.Download;
import p3backup.storage.ObjectStore;
import p3backup.storage.Retries;
import p3backup.storage.StorageException;
import p3backup.work.Workers;

/**
 * Restores a snapshot (or, where the target has none, the objects listed under it) into a
 * destination directory. Every path goes through {@link SafeDestination}: nothing is written
 * outside the destination, nor through a symbolic link. Each file is downloaded to a temporary
 * name beside its final one, checked against the recorded size and SHA-256, then moved into
 * place; identical files are left alone, differing ones replaced only with --overwrite.
 */
public final class Restorer {
  private static final long UNKNOWN = Long.MIN_VALUE;
  /** Ranged parts of one file downloaded at once. */
  private static final int PARTS_PER_FILE = 4;

  private final ObjectStore store;
  private final RestoreOptions options;
  private final RunListener listener;
  private final Problems problems;
  private SafeDestination destination;
  private boolean foldsCase;
  private boolean posix;
  /**
   * Directories of the destination this run has seen to be real directories, reached through
   * no symbolic link: files placed in them need no check of their parents again. Only files
   * are written while it is used, so nothing of ours turns one into a link in the meantime.
   */
  private final Set<Path> safeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private boolean versioned;
  private String snapshotId;
  /** For a restore from a listing: the MD5 that single-part objects' ETags give, by path. */
  private final Map<String, String> listedMd5 = new HashMap<>();

  public Restorer(ObjectStore store, RestoreOptions options, RunListener listener) {
    this.store = store;
    this.options = options;
    this.listener = listener;
    this.problems = new Problems(listener);
  }

  /** File restores handed to the workers ahead of the oldest one still under way. */
  private static final int WINDOW = 4096;

  /** The entries to restore, one at a time in path order: a manifest, or a listing. */
  private interface Entries extends AutoCloseable {
    ManifestEntry next() throws IOException;

    @Override
    void close() throws IOException;
  }

  public RestoreResult run() throws IOException, InterruptedException {
    SnapshotStore snapshots = new SnapshotStore(store, options.bucket(), options.keyPrefix(), options.cache());
    snapshots.requireBucket();
    List<SnapshotRef> all = snapshots.list();
    long totalFiles = -1;
    long totalBytes = -1;
    Entries entries;
    if (all.isEmpty()) {
      if (options.snapshot() != null) {
        throw new StorageException(StorageException.Kind.NOT_FOUND, "no snapshot \""
            + options.snapshot() + "\": there are no snapshots under this target", null);
      }
      problems.warn("no p3backup snapshot under this target: restoring the objects listed there");
      List<ManifestEntry> listed = fromListing(snapshots.reservedPrefix());
      listed.sort(Comparator.comparing(ManifestEntry::path));
      java.util.Iterator<ManifestEntry> it = listed.iterator();
      entries = new Entries() {
        @Override
        public ManifestEntry next() {
          return it.hasNext() ? it.next() : null;
        }

        @Override
        public void close() {}
      };
    } else {
      ManifestReader m = snapshots.open(snapshots.require(all, options.snapshot()), false);
      snapshotId = m.id();
      if (options.includes().isEmpty()) {
        totalFiles = m.files();
        totalBytes = m.bytes();
      }
      entries = new Entries() {
        @Override
        public ManifestEntry next() throws IOException {
          return m.next();
        }

        @Override
        public void close() throws IOException {
          m.close();
        }
      };
    }
    try (entries) {
      return restore(entries, totalFiles, totalBytes);
    }
  }

  private RestoreResult restore(Entries entries, long totalFiles, long totalBytes)
      throws IOException, InterruptedException {
    Files.createDirectories(options.destination());
    Path root = options.destination().toRealPath();
    destination = new SafeDestination(root);
    foldsCase = foldsCase(root);
    posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");

    listener.phase("restore");
    if (totalFiles >= 0) {
      listener.totals(totalFiles, totalBytes);
    }
    // Entries come in path order, so that a directory is made before what it holds. Files go to
    // the workers as they come, a window ahead; links wait until every file is in place, and the
    // directories' times until the end, deepest first (filling a directory changes its mtime).
    // Memory holds the window, the directories and the links: not an entry per file.
    List<Placed> dirs = new ArrayList<>();
    List<Placed> links = new ArrayList<>();
    CaseNames names = foldsCase ? new CaseNames() : null;
    long dirCount = 0;
    long files = 0;
    long bytes = 0;
    AtomicLong restored = new AtomicLong();
    AtomicLong identical = new AtomicLong();
    AtomicLong downloaded = new AtomicLong();
    ExecutorService pool = Workers.pool("p3backup-file", options.jobs());
    ExecutorService parts = Workers.pool("p3backup-part", options.jobs());
    StorageException failure = null;
    try {
      java.util.ArrayDeque<Future<?>> window = new java.util.ArrayDeque<>();
      String last = null;
      for (ManifestEntry e; failure == null && (e = entries.next()) != null; ) {
        if (last != null && last.compareTo(e.path()) >= 0) {
          problems.add(e.path(), last.equals(e.path())
              ? "listed more than once in the snapshot: restored once"
              : "out of path order in the snapshot's manifest: not restored");
          continue;
        }
        last = e.path();
        if (!options.includes().isEmpty()
            && !options.includes().isExcludedOrUnder(e.path(), e.type() == EntryType.DIR)) {
          continue;
        }
        SafeDestination.Resolved r = destination.resolve(e.path());
        if (r instanceof SafeDestination.Refused refused) {
          problems.add(e.path(), refused.reason());
          continue;
        }
        Path path = ((SafeDestination.Inside) r).path();
        if (names != null) {
          String other = names.clash(e.path());
          if (other != null) {
            problems.add(e.path(), "differs from \"" + other + "\" only in letter case, which this"
                + " file system cannot hold side by side: not restored");
            continue;
          }
        }
        if (e.versionId() != null) {
          versioned = true;
        }
        Placed p = new Placed(e, path);
        switch (e.type()) {
          case DIR -> {
            dirs.add(p);
            if (makeDirectory(p)) {
              dirCount++;
            }
          }
          case LINK -> links.add(p);
          case FILE -> {
            files++;
            bytes += e.size();
            if (totalFiles < 0) {
              listener.totals(files, bytes);
            }
            while (window.size() >= WINDOW) {
              failure = await(window.pollFirst(), window, failure);
            }
            window.addLast(pool.submit(() -> {
              Outcome o = restoreFile(p, parts, downloaded);
              if (o == Outcome.RESTORED) {
                restored.incrementAndGet();
              } else if (o == Outcome.IDENTICAL) {
                identical.incrementAndGet();
              }
              listener.fileDone(p.entry().path());
              return null;
            }));
          }
        }
      }
      while (!window.isEmpty()) {
        failure = await(window.pollFirst(), window, failure);
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
      parts.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    long linkCount = 0;
    for (Placed l : links) {
      if (makeLink(l)) {
        linkCount++;
      }
    }
    dirs.sort(Comparator.comparing((Placed p) -> p.path().getNameCount()).reversed());
    for (Placed d : dirs) {
      setAttributesWhereTheyDiffer(d.path(), d.entry().mtimeNanos(), d.entry().mode(), true);
    }
    return new RestoreResult(options.bucket(), options.keyPrefix(), snapshotId, restored.get(),
        identical.get(), dirCount, linkCount, downloaded.get(), problems.sorted(),
        problems.warnings());
  }

  /** Waits for one file's restore; the first storage failure cancels the rest and is kept. */
  private static StorageException await(Future<?> job, java.util.Collection<Future<?>> others,
      StorageException failure) throws InterruptedException {
    try {
      job.get();
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof StorageException se) {
        if (failure == null) {
          others.forEach(x -> x.cancel(false));
          return se;
        }
      } else if (ex.getCause() instanceof RuntimeException re) {
        throw re;
      } else {
        throw new IllegalStateException(ex.getCause());
      }
    } catch (java.util.concurrent.CancellationException ex) {
      // after a failure
    }
    return failure;
  }

  /**
   * The names met so far, folded to lower case, of the directories on the path being walked: a
   * name that differs from a sibling's only in letter case clashes with it, as does anything
   * under a directory that clashed. Entries come in path order, so a directory's children all
   * come before anything that follows the directory itself.
   */
  private static final class CaseNames {
    private final java.util.ArrayDeque<String> parents = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Map<String, String>> siblings = new java.util.ArrayDeque<>();
    private final Map<String, String> top = new HashMap<>();
    private final Map<String, String> clashed = new HashMap<>();

    /** The path this one clashes with, or null (and it is remembered). */
    String clash(String path) {
      int slash = path.lastIndexOf('/');
      String parent = slash < 0 ? "" : path.substring(0, slash);
      while (!parents.isEmpty() && !(parent.equals(parents.peek())
          || parent.startsWith(parents.peek() + "/"))) {
        parents.pop();
        siblings.pop();
      }
      for (Map.Entry<String, String> c : clashed.entrySet()) {
        if (path.startsWith(c.getKey() + "/")) {
          return c.getValue() + path.substring(c.getKey().length());
        }
      }
      Map<String, String> names;
      if (parent.isEmpty()) {
        names = top;
      } else if (parent.equals(parents.peek())) {
        names = siblings.peek();
      } else {
        names = new HashMap<>();
        parents.push(parent);
        siblings.push(names);
      }
      String folded = path.substring(slash + 1).toLowerCase(Locale.ROOT);
      String other = names.putIfAbsent(folded, path);
      if (other != null) {
        clashed.put(path, other);
      }
      return other;
    }
  }

  private record Placed(ManifestEntry entry, Path path) {}

  private enum Outcome {
    RESTORED,
    IDENTICAL,
    SKIPPED
  }

  /** The objects under the target, as entries: restore from a bucket with no manifest. */
  private List<ManifestEntry> fromListing(String reserved) {
    List<ManifestEntry> entries = new ArrayList<>();
    store.list(options.bucket(), options.keyPrefix(), o -> {
      if (o.key().startsWith(reserved)) {
        return;
      }
      String rel = o.key().substring(options.keyPrefix().length());
      if (rel.endsWith("/")) {
        if (rel.length() > 1) {
          entries.add(new ManifestEntry(rel.substring(0, rel.length() - 1), EntryType.DIR, 0,
              UNKNOWN, -1, null, null, null, true, FileStat.NONE, null));
        }
      } else {
        entries.add(new ManifestEntry(rel, EntryType.FILE, o.size(), UNKNOWN, -1, null, null,
            null, false, FileStat.NONE, null));
        String md5 = plainMd5(o.etag());
        if (md5 != null) {
          listedMd5.put(rel, md5);
        }
      }
    });
    return entries;
  }

  /** A single-part upload's ETag is the MD5 of its bytes; others are not (null). */
  private static String plainMd5(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.replace("\"", "").toLowerCase(Locale.ROOT);
    return e.matches("[0-9a-f]{32}") ? e : null;
  }

  private boolean makeDirectory(Placed d) throws IOException {
    String blocked = linkInTheWay(d.path(), true);
    if (blocked != null) {
      problems.add(d.entry().path(), blocked);
      return false;
    }
    if (Files.isDirectory(d.path(), LinkOption.NOFOLLOW_LINKS)) {
      safeDirs.add(d.path());
      return false;
    }
    if (Files.exists(d.path(), LinkOption.NOFOLLOW_LINKS)) {
      problems.add(d.entry().path(), "a file is in the way of this directory: not restored");
      return false;
    }
    try {
      Files.createDirectories(d.path());
      safeDirs.add(d.path());
      return true;
    } catch (IOException e) {
      problems.add(d.entry().path(), "cannot create directory: " + describe(e));
      return false;
    }
  }

  /**
   * Why writing at {@code path} would go through a symbolic link (a parent that is one, or,
   * when {@code self}, the path itself), or null when it would not.
   */
  private String linkInTheWay(Path path, boolean self) {
    Path root = destination.root();
    Path rel = root.relativize(path);
    Path p = root;
    int n = rel.getNameCount();
    for (int i = 0; i < (self ? n : n - 1); i++) {
      p = p.resolve(rel.getName(i));
      if (Files.isSymbolicLink(p)) {
        return "goes through the symbolic link " + root.relativize(p).toString().replace('\\', '/')
            + " in the destination: not restored";
      }
    }
    return null;
  }

  private Outcome restoreFile(Placed f, ExecutorService parts, AtomicLong downloaded)
      throws InterruptedException {
    ManifestEntry e = f.entry();
    Path target = f.path();
    Path parent = target.getParent();
    try {
      if (!safeDirs.contains(parent)) {
        String blocked = linkInTheWay(target, false);
        if (blocked != null) {
          problems.add(e.path(), blocked);
          return Outcome.SKIPPED;
        }
        Files.createDirectories(parent);
        safeDirs.add(parent);
      }
      boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      if (existed) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          problems.add(e.path(), "a directory is in the way of this file: not restored");
          return Outcome.SKIPPED;
        }
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && identical(target, e)) {
          listener.bytes(e.size());
          setAttributesWhereTheyDiffer(target, e.mtimeNanos(), e.mode(), false);
          return Outcome.IDENTICAL;
        }
        if (!options.overwrite()) {
          problems.add(e.path(), "exists and differs from the backup: not replaced (use"
              + " --overwrite to replace it)");
          return Outcome.SKIPPED;
        }
      }
      return download(f, existed, parts, downloaded) ? Outcome.RESTORED : Outcome.SKIPPED;
    } catch (StorageException s) {
      if (s.kind() == StorageException.Kind.NOT_FOUND) {
        problems.add(e.path(), (e.versionId() != null ? "version " + e.versionId() + " is"
            : "is") + " missing from the bucket: not restored");
        return Outcome.SKIPPED;
      }
      throw s;
    } catch (IOException io) {
      problems.add(e.path(), "cannot write: " + describe(io));
      return Outcome.SKIPPED;
    }
  }

  /** Whether the local file already holds the entry's content. */
  private boolean identical(Path file, ManifestEntry e) throws IOException {
    if (Files.size(file) != e.size()) {
      return false;
    }
    boolean md5 = e.sha256() == null;
    String recorded = md5 ? listedMd5.get(e.path()) : e.sha256();
    if (recorded == null) {
      return false;
    }
    return recorded.equals(Digests.hexOf(file, md5 ? Digests.md5() : Digests.sha256()));
  }

  /** What one download brought: its size, SHA-256 and the object's metadata. */
  private record Fetched(long size, String sha256, Map<String, String> metadata, Instant lastModified) {}

  private boolean download(Placed f, boolean existed, ExecutorService parts, AtomicLong downloaded)
      throws IOException, InterruptedException {
    ManifestEntry e = f.entry();
    String key = KeyMapper.objectKey(options.keyPrefix(), e.path(), false);
    Path tmp = f.path().resolveSibling(".p3b-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean moved = false;
    try {
      // Large objects come in ranged parts, each retried on its own; a whole-object download
      // that breaks part way starts again from scratch.
      Fetched got = e.size() > options.partSize()
          ? fetchRanged(key, e, tmp, parts)
          : Retries.of(() -> fetchWhole(key, e, tmp));
      downloaded.addAndGet(got.size());
      boolean sizeOk = got.size() == e.size();
      boolean hashOk = e.sha256() == null || e.sha256().equals(got.sha256());
      if (!sizeOk || !hashOk) {
        problems.add(e.path(), e.versionId() == null && snapshotId != null && !versioned
            ? "changed in the bucket since snapshot " + snapshotId + " (the bucket keeps no"
                + " versions): not restored, never the wrong content"
            : "the downloaded bytes do not match the snapshot's " + (sizeOk ? "SHA-256" : "size")
                + ": not restored");
        return false;
      }
      long mtime = e.mtimeNanos() != UNKNOWN ? e.mtimeNanos()
          : metadataMtime(got.metadata(), got.lastModified());
      int mode = e.mode() >= 0 ? e.mode() : metadataMode(got.metadata());
      setAttributes(tmp, mtime, mode, false);
      move(tmp, f.path(), existed);
      moved = true;
      return true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private Fetched fetchRanged(String key, ManifestEntry e, Path tmp, ExecutorService parts)
      throws IOException, InterruptedException {
    MessageDigest sha = Digests.sha256();
    Map<String, String> metadata = e.sha256() == null ? store.head(options.bucket(), key) : Map.of();
    long size = ranged(key, e, tmp, parts, sha);
    return new Fetched(size, Digests.hex(sha.digest()), metadata, null);
  }

  private Fetched fetchWhole(String key, ManifestEntry e, Path tmp) throws IOException {
    try {
      return fetchWholeOnce(key, e, tmp);
    } catch (IOException | RuntimeException ex) {
      Files.deleteIfExists(tmp); // a retry creates it anew
      throw ex;
    }
  }

  private Fetched fetchWholeOnce(String key, ManifestEntry e, Path tmp) throws IOException {
    MessageDigest sha = Digests.sha256();
    try (Download d = store.open(options.bucket(), key, e.versionId());
        OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      long size = 0;
      byte[] buf = new byte[(int) Math.min(1 << 16, Math.max(1 << 13, e.size() + 1))];
      int n;
      InputStream in = d.stream();
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        out.write(buf, 0, n);
        size += n;
        listener.bytes(n);
      }
      if (d.length() < 0 || size != d.length()) { // S3 always gives the length
        throw new IOException("download ended after " + size + " of " + d.length()
            + " bytes"); // a connection cut short: retried from the start
      }
      return new Fetched(size, Digests.hex(sha.digest()), d.metadata(), d.lastModified());
    }
  }

  /**
   * Downloads a large object in ranged parts, in parallel, and hashes what was written to the
   * file (not what came over the wire) part by part, in order.
   */
  private long ranged(String key, ManifestEntry e, Path tmp, ExecutorService parts,
      MessageDigest sha) throws IOException, InterruptedException {
    long size = e.size();
    long part = options.partSize();
    int count = (int) ((size + part - 1) / part);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      List<Future<Long>> jobs = new ArrayList<>(count);
      java.util.function.IntConsumer submit = k -> {
        long start = k * part;
        long length = Math.min(part, size - start);
        jobs.add(parts.submit(() -> Retries.of(() -> {
          long written = 0;
          try (InputStream in = store.getRange(options.bucket(), key, e.versionId(), start, length)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
              ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
              while (bb.hasRemaining()) {
                written += ch.write(bb, start + written);
              }
              listener.bytes(n);
            }
          }
          if (written != length) {
            throw new IOException("part at " + start + " ended after " + written + " of " + length
                + " bytes"); // a connection cut short: retried
          }
          return written;
        })));
      };
      // A few parts of one file at a time (writers of one file contend for it), the next one
      // asked for as each is in. Parts are hashed in order as soon as they and all before them
      // are in, while later parts still download.
      for (int k = 0; k < Math.min(PARTS_PER_FILE, count); k++) {
        submit.accept(k);
      }
      long total = 0;
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      boolean whole = false;
      try {
        for (int k = 0; k < count; k++) {
          long end = total + jobs.get(k).get();
          if (k + PARTS_PER_FILE < count) {
            submit.accept(k + PARTS_PER_FILE);
          }
          while (total < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - total));
            int n = ch.read(buf, total);
            if (n <= 0) {
              throw new IOException("the part at " + total + " was not written whole");
            }
            buf.flip();
            sha.update(buf);
            total += n;
          }
        }
        whole = true;
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof RuntimeException re) {
          throw re;
        }
        if (ex.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException(ex.getCause());
      } finally {
        if (!whole) { // a failed part, a short file or an interrupt: stop the rest
          jobs.forEach(x -> x.cancel(true));
        }
      }
      return total;
    }
  }

  private static void move(Path tmp, Path target, boolean existed) throws IOException {
    if (existed && Files.isSymbolicLink(target)) {
      Files.delete(target); // replace the link itself, never what it points to
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private boolean makeLink(Placed l) {
    ManifestEntry e = l.entry();
    String blocked = linkInTheWay(l.path(), false);
    if (blocked != null) {
      problems.add(e.path(), blocked);
      return false;
    }
    String sep = l.path().getFileSystem().getSeparator();
    String target = sep.equals("/") ? e.linkTarget() : e.linkTarget().replace("/", sep);
    try {
      Files.createDirectories(l.path().getParent());
      if (Files.isSymbolicLink(l.path())) {
        if (Files.readSymbolicLink(l.path()).toString().equals(target)) {
          return false;
        }
        if (!options.overwrite()) {
          problems.add(e.path(), "a different symbolic link exists: not replaced (use --overwrite)");
          return false;
        }
        Files.delete(l.path());
      } else if (Files.exists(l.path(), LinkOption.NOFOLLOW_LINKS)) {
        if (!options.overwrite() || Files.isDirectory(l.path(), LinkOption.NOFOLLOW_LINKS)) {
          problems.add(e.path(), "something else exists where this symbolic link goes: not replaced"
              + (options.overwrite() ? "" : " (use --overwrite)"));
          return false;
        }
        Files.delete(l.path());
      }
      Files.createSymbolicLink(l.path(), l.path().getFileSystem().getPath(target));
      return true;
    } catch (FileAlreadyExistsException x) {
      problems.add(e.path(), "something else exists where this symbolic link goes: not replaced");
      return false;
    } catch (IOException | UnsupportedOperationException x) {
      problems.add(e.path(), "cannot create symbolic link: " + (x instanceof IOException io
          ? describe(io) : "not supported on this file system"));
      return false;
    }
  }

  /**
   * Sets the recorded mtime and mode of a file or directory already in place only where they
   * differ from its own, so that one that matches is not touched at all (its ctime stays, and
   * the next backup of the destination does not read it again).
   */
  private void setAttributesWhereTheyDiffer(Path p, long mtimeNanos, int mode, boolean dir) {
    FileStat now;
    try {
      now = FileStat.read(p, false);
    } catch (IOException e) {
      listener.detail("cannot read " + (dir ? "directory" : "file") + " attributes of " + p + ": " + e);
      return;
    }
    boolean timeDiffers = mtimeNanos != UNKNOWN && !sameTime(now.mtimeNanos(), mtimeNanos);
    boolean modeDiffers = mode >= 0 && posix && now.mode() >= 0 && (now.mode() & 0777) != (mode & 0777);
    if (timeDiffers || modeDiffers) {
      setAttributes(p, timeDiffers ? mtimeNanos : UNKNOWN, modeDiffers ? mode : -1, dir);
    }
  }

  /**
   * Whether a time read from disk is the recorded one, as far as the file system keeps it: one
   * that stores microseconds, milliseconds or seconds holds the recorded time cut to those.
   */
  static boolean sameTime(long onDiskNanos, long recordedNanos) {
    if (onDiskNanos == recordedNanos) {
      return true;
    }
    for (long unit : new long[] {1_000L, 1_000_000L, 1_000_000_000L}) {
      if (Math.floorMod(onDiskNanos, unit) == 0
          && Math.floorDiv(recordedNanos, unit) * unit == onDiskNanos) {
        return true;
      }
    }
    return false;
  }

  private void setAttributes(Path p, long mtimeNanos, int mode, boolean dir) {
    try {
      if (mtimeNanos != UNKNOWN) {
        // Both times given and links not followed (p is ours, never a link): one system call,
        // where setLastModifiedTime opens the file and reads its times first.
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS), FileTime.from(Instant.now()), null);
      }
      if (mode >= 0 && posix) {
        Files.setPosixFilePermissions(p, permissions(mode));
      }
    } catch (IOException | UnsupportedOperationException e) {
      listener.detail("cannot set " + (dir ? "directory" : "file") + " attributes of " + p + ": " + e);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(order[i]);
      }
    }
    return s;
  }

  static long metadataMtime(Map<String, String> metadata, Instant lastModified) {
    String m = metadata.get("mtime");
    if (m != null) {
      try {
        return new BigDecimal(m.trim()).movePointRight(9).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // fall back to the object's time
      }
    }
    if (lastModified == null) {
      return UNKNOWN;
    }
    return lastModified.getEpochSecond() * 1_000_000_000L + lastModified.getNano();
  }

  static int metadataMode(Map<String, String> metadata) {
    String m = metadata.get("mode");
    if (m == null) {
      return -1;
    }
    try {
      int v = Integer.parseInt(m.trim(), 8);
      return v & 07777;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the destination's file system treats names differing only in case as one. */
  private static boolean foldsCase(Path root) {
    Path probe = root.resolve(".p3b-case-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createFile(probe);
      try {
        return Files.exists(root.resolve(probe.getFileName().toString().toUpperCase(Locale.ROOT)));
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

}
