package p3backup.scan;

import java.io.IOException;
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

  private final Path root;
  private final ExcludeRules excludes;
  private final boolean followLinks;
  private final String keyPrefix;
  private final RunListener listener;
  private final Problems problems;
  private final List<LocalEntry> entries = new ArrayList<>();

  public Scanner(Path root, ExcludeRules excludes, boolean followLinks, String keyPrefix,
      RunListener listener, Problems problems) {
    this.root = root;
    this.excludes = excludes;
    this.followLinks = followLinks;
    this.keyPrefix = keyPrefix;
    this.listener = listener;
    this.problems = problems;
  }

  /** Scans the tree; entries come sorted by path. The root itself is not an entry. */
  public List<LocalEntry> scan() throws IOException {
    Set<String> ancestors = new HashSet<>();
    FileStat rootStat = FileStat.read(root, true);
    if (rootStat.inode() != null) {
      ancestors.add(rootStat.inode());
    }
    walk(root, "", ancestors);
    entries.sort(Comparator.comparing(LocalEntry::path));
    return entries;
  }

  /** Lists a directory's included children; returns how many were kept. */
  private int walk(Path dir, String rel, Set<String> ancestors) {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    } catch (AccessDeniedException e) {
      problems.add(rel.isEmpty() ? "." : rel, "cannot list directory: permission denied");
      return -1;
    } catch (IOException e) {
      problems.add(rel.isEmpty() ? "." : rel, "cannot list directory: " + describe(e));
      return -1;
    }
    children.sort(Comparator.comparing(p -> p.getFileName().toString()));
    int kept = 0;
    for (Path child : children) {
      String name = child.getFileName().toString();
      String path = rel.isEmpty() ? name : rel + "/" + name;
      if (rel.isEmpty() && name.equals(RESERVED)) {
        problems.warn("skipping " + RESERVED + " at the top of the tree: that name is"
            + " reserved for p3backup's snapshots in the bucket");
        continue;
      }
      if (visit(dir, child, path, ancestors)) {
        kept++;
      }
    }
    return kept;
  }

  private boolean visit(Path parent, Path file, String path, Set<String> ancestors) {
    FileStat stat;
    try {
      stat = FileStat.read(file, false);
    } catch (NoSuchFileException e) {
      return false; // vanished since the listing: not part of this snapshot
    } catch (IOException e) {
      problems.add(path, "cannot read attributes: " + describe(e));
      return false;
    }
    String linkTarget = null;
    if (stat.kind() == FileStat.Kind.LINK) {
      if (followLinks) {
        try {
          stat = FileStat.read(file, true);
        } catch (IOException e) {
          problems.add(path, "broken symbolic link: " + describe(e));
          return false;
        }
      } else {
        try {
          linkTarget = slashes(file, Files.readSymbolicLink(file).toString());
        } catch (IOException e) {
          problems.add(path, "cannot read symbolic link: " + describe(e));
          return false;
        }
      }
    }
    boolean dir = stat.kind() == FileStat.Kind.DIR;
    if (!excludes.isEmpty() && excludes.isExcluded(path, dir)) {
      return false;
    }
    listener.scanned(entries.size() + 1);
    switch (stat.kind()) {
      case OTHER -> {
        problems.add(path, "special file (FIFO, socket or device): skipped");
        return false;
      }
      case LINK -> {
        if (!keyFits(path, false)) {
          return false;
        }
        entries.add(LocalEntry.in(parent, file, path, EntryType.LINK, stat, linkTarget, false));
        return true;
      }
      case FILE -> {
        if (!keyFits(path, false)) {
          return false;
        }
        entries.add(LocalEntry.in(parent, file, path, EntryType.FILE, stat, null, false));
        return true;
      }
      case DIR -> {
        if (!keyFits(path, true)) {
          return false;
        }
        if (stat.inode() != null && !ancestors.add(stat.inode())) {
          problems.add(path, "symbolic link loop: the directory contains itself; skipped");
          return false;
        }
        int index = entries.size();
        entries.add(null);
        int kept = walk(file, path, ancestors);
        if (stat.inode() != null) {
          ancestors.remove(stat.inode());
        }
        entries.set(index, LocalEntry.in(parent, file, path, EntryType.DIR, stat, null, kept == 0));
        return true;
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
