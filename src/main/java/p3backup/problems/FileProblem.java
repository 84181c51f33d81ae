package p3backup.problems;

/** One file that could not be handled, named by its path relative to the tree, with why. */
public record FileProblem(String path, String message) implements Comparable<FileProblem> {
  @Override
  public int compareTo(FileProblem o) {
    int c = path.compareTo(o.path);
    return c != 0 ? c : message.compareTo(o.message);
  }
}
