package p3backup.scan;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.Problems;
import p3backup.problems.RunListener;

/**
 * Walks a directory tree and lists what a backup holds: regular files, directories and symbolic
 * links, with one stat each. Excluded paths are pruned; special files, unreadable directories,
 * broken links and loops (with {@code followLinks}) are named in {@link Problems} and skipped.
 * A top-level {@code .p3backup} directory is skipped with a warning.
 */
public final class Scanner {
  /** The name of p3backup's own folder in a bucket; a top-level one in a tree is skipped. */
  public static final String RESERVED = ".p3backup";
  /** How many files of a listing a thread stats at a time. */
  static final int CHUNK = 64;
  /** The most threads that stat the files of one listing, this one included. */
  static final int MAX_STAT_THREADS = 4;

  private final Path root;
  private final ExcludeRules excludes;
  private final boolean followLinks;
  private final String keyPrefix;
  private final RunListener listener;
  private final Problems problems;
  private final int statThreads;
  private ExecutorService helpers;
  private long count;

  public Scanner(Path root, ExcludeRules excludes, boolean followLinks, String keyPrefix,
      RunListener listener, Problems problems) {
    this(root, excludes, followLinks, keyPrefix, listener, problems,
        Math.min(MAX_STAT_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /** A scanner whose listings are statted by up to {@code statThreads} threads at once. */
  Scanner(Path root, ExcludeRules excludes, boolean followLinks, String keyPrefix,
      RunListener listener, Problems problems, int statThreads) {
    this.root = root;
    this.excludes = excludes;
    this.followLinks = followLinks;
    this.keyPrefix = keyPrefix;
    this.listener = listener;
    this.problems = problems;
    this.statThreads = Math.max(1, statThreads);
  }

  /** Scans the whole tree into a list, sorted by path. The root itself is not an entry. */
  public List<LocalEntry> scan() throws IOException {
    List<LocalEntry> entries = new ArrayList<>();
    scan(entries::add);
    return entries;
  }

  /**
   * Walks the tree and hands each entry to {@code each} in path order (the manifest's order:
   * plain string order of the slash paths), as it goes. Memory holds the listings of the
   * directories on the path being walked (and of the few directories whose names sort between
   * a sibling's name and that sibling's children, such as {@code a-b} between {@code a} and
   * {@code a/x}), never the tree.
   */
  public void scan(Consumer<LocalEntry> each) throws IOException {
    Set<String> ancestors = new HashSet<>();
    FileStat rootStat = FileStat.read(root, true);
    if (rootStat.inode() != null) {
      ancestors.add(rootStat.inode());
    }
    if (statThreads > 1) {
      helpers = p3backup.work.Workers.pool("p3backup-stat", statThreads - 1);
    }
    try {
      Listing top = list(root, "", ancestors);
      if (top != null) {
        emit(top, ancestors, each);
      }
    } finally {
      if (helpers != null) {
        helpers.shutdownNow();
        helpers = null;
      }
    }
  }

  /** A directory's included children, sorted by name, each with its stat. */
  private record Listing(List<Child> children, boolean hasDirectories) {}

  /** A child as listed, before it is handed on (directories: before their own listing). */
  private record Child(Path file, String path, String name, EntryType type, FileStat stat,
      String linkTarget) {}

  /**
   * Hands on a listed directory's entries and, recursively, its subdirectories', in path order:
   * a directory {@code d} is an entry at the place of its name and a subtree at the place of
   * {@code d/}, which sorts after names such as {@code d-x} and {@code d.x}. A directory's own
   * listing is made when its entry is handed on, since the entry says whether it is empty.
   */
  private void emit(Listing listing, Set<String> ancestors, Consumer<LocalEntry> each)
      throws InterruptedIOException {
    if (!listing.hasDirectories()) { // most listings: the children in their order, no subtrees
      for (Child c : listing.children()) {
        listener.scanned(++count);
        each.accept(new LocalEntry(c.path(), c.type(), c.file(), c.stat(), c.linkTarget(), false));
      }
      return;
    }
    List<Object[]> order = new ArrayList<>(listing.children().size() + 8);
    for (Child c : listing.children()) {
      order.add(new Object[] {c.name(), c, Boolean.FALSE});
      if (c.type() == EntryType.DIR) {
        order.add(new Object[] {c.name() + "/", c, Boolean.TRUE});
      }
    }
    order.sort((x, y) -> ((String) x[0]).compareTo((String) y[0]));
    java.util.Map<String, Listing> opened = new java.util.HashMap<>();
    for (Object[] item : order) {
      Child c = (Child) item[1];
      if (item[2] == Boolean.TRUE) {
        Listing sub = opened.remove(c.name());
        if (sub != null) {
          boolean added = c.stat().inode() != null && ancestors.add(c.stat().inode());
          try {
            emit(sub, ancestors, each);
          } finally {
            if (added) {
              ancestors.remove(c.stat().inode());
            }
          }
        }
        continue;
      }
      boolean empty = false;
      if (c.type() == EntryType.DIR) {
        boolean added = c.stat().inode() != null && ancestors.add(c.stat().inode());
        Listing sub;
        try {
          sub = list(c.file(), c.path(), ancestors);
        } finally {
          if (added) {
            ancestors.remove(c.stat().inode());
          }
        }
        if (sub != null) {
          opened.put(c.name(), sub);
          empty = sub.children().isEmpty();
        } else {
          empty = false; // unreadable: named as a problem; its entry stays, with no marker
        }
      }
      listener.scanned(++count);
      each.accept(new LocalEntry(c.path(), c.type(), c.file(), c.stat(), c.linkTarget(), empty));
    }
  }

  /**
   * Lists a directory's included children, sorted by name; null when it can't be listed (named
   * in problems). {@code ancestors} holds the inodes of the directories from the root to
   * {@code dir}, itself included: a child directory among them is a loop.
   */
  private Listing list(Path dir, String rel, Set<String> ancestors) throws InterruptedIOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        files.add(child);
      }
    } catch (AccessDeniedException e) {
      problems.add(rel.isEmpty() ? "." : rel, "cannot list directory: permission denied");
      return null;
    } catch (IOException e) {
      problems.add(rel.isEmpty() ? "." : rel, "cannot list directory: " + describe(e));
      return null;
    }
    if (rel.isEmpty() && files.removeIf(f -> f.getFileName().toString().equals(RESERVED))) {
      problems.warn("skipping " + RESERVED + " at the top of the tree: that name is"
          + " reserved for p3backup's snapshots in the bucket");
    }
    Child[] visited = new Child[files.size()];
    visitAll(files, rel, ancestors, visited);
    List<Child> children = new ArrayList<>(visited.length);
    boolean directories = false;
    for (Child c : visited) {
      if (c != null) {
        children.add(c);
        directories |= c.type() == EntryType.DIR;
      }
    }
    children.sort(Comparator.comparing(Child::name));
    return new Listing(children, directories);
  }

  /**
   * Visits the files of one listing into {@code into}, at their places. A long listing is cut
   * into chunks that the helper threads and this one take in turn: a stat is mostly waiting on
   * the kernel's path lookup, and the walk is a backup's whole cost when little has changed.
   */
  private void visitAll(List<Path> files, String rel, Set<String> ancestors, Child[] into)
      throws InterruptedIOException {
    int n = files.size();
    int chunks = (n + CHUNK - 1) / CHUNK;
    AtomicInteger claimed = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(chunks);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Runnable work = () -> {
      for (int c; (c = claimed.getAndIncrement()) < chunks; ) {
        try {
          for (int i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
            Path file = files.get(i);
            String name = file.getFileName().toString();
            into[i] = visit(file, name, rel.isEmpty() ? name : rel + "/" + name, ancestors);
          }
        } catch (RuntimeException | Error e) {
          failed.compareAndSet(null, e);
        } finally {
          finished.countDown();
        }
      }
    };
    if (helpers != null && chunks > 1) {
      for (int h = 1; h < statThreads && h < chunks; h++) {
        helpers.execute(work); // one that starts after the last chunk is taken finds nothing
      }
    }
    work.run();
    try {
      finished.await(); // the chunks the helpers took
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("scan stopped");
    }
    Throwable f = failed.get();
    if (f instanceof RuntimeException r) {
      throw r;
    }
    if (f instanceof Error err) {
      throw err;
    }
  }

  /** A child with its stat, or null when it is excluded, special, unreadable or a loop. */
  private Child visit(Path file, String name, String path, Set<String> ancestors) {
    FileStat stat;
    try {
      stat = FileStat.read(file, false);
    } catch (NoSuchFileException e) {
      return null; // vanished since the listing: not part of this snapshot
    } catch (IOException e) {
      problems.add(path, "cannot read attributes: " + describe(e));
      return null;
    }
    String linkTarget = null;
    if (stat.kind() == FileStat.Kind.LINK) {
      if (followLinks) {
        try {
          stat = FileStat.read(file, true);
        } catch (IOException e) {
          problems.add(path, "broken symbolic link: " + describe(e));
          return null;
        }
      } else {
        try {
          linkTarget = slashes(file, Files.readSymbolicLink(file).toString());
        } catch (IOException e) {
          problems.add(path, "cannot read symbolic link: " + describe(e));
          return null;
        }
      }
    }
    boolean dir = stat.kind() == FileStat.Kind.DIR;
    if (!excludes.isEmpty() && excludes.isExcluded(path, dir)) {
      return null;
    }
    switch (stat.kind()) {
      case OTHER -> {
        problems.add(path, "special file (FIFO, socket or device): skipped");
        return null;
      }
      case LINK -> {
        return keyFits(path, false) ? new Child(file, path, name, EntryType.LINK, stat, linkTarget) : null;
      }
      case FILE -> {
        return keyFits(path, false) ? new Child(file, path, name, EntryType.FILE, stat, null) : null;
      }
      case DIR -> {
        if (!keyFits(path, true)) {
          return null;
        }
        if (stat.inode() != null && ancestors.contains(stat.inode())) {
          problems.add(path, "symbolic link loop: the directory contains itself; skipped");
          return null;
        }
        return new Child(file, path, name, EntryType.DIR, stat, null);
      }
      default -> throw new IllegalStateException();
    }
  }

  private boolean keyFits(String path, boolean dir) {
    var problem = KeyMapper.keyProblem(KeyMapper.objectKey(keyPrefix, path, dir));
    problem.ifPresent(p -> problems.add(path, p + ": skipped"));
    return problem.isEmpty();
  }

  private static String slashes(Path file, String target) {
    String sep = file.getFileSystem().getSeparator();
    return sep.equals("/") ? target : target.replace(sep, "/");
  }

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
