package p3backup.problems;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Thread-safe collector of per-file problems; a run goes on past each one. */
public final class Problems {
  private final List<FileProblem> list = Collections.synchronizedList(new ArrayList<>());
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final RunListener listener;

  public Problems(RunListener listener) {
    this.listener = listener;
  }

  public void add(String path, String message) {
    FileProblem p = new FileProblem(path, message);
    list.add(p);
    listener.problem(p);
  }

  /** Something the user should know that is not a failure; shown unless --quiet. */
  public void warn(String message) {
    warnings.add(message);
    listener.warning(message);
  }

  public List<String> warnings() {
    synchronized (warnings) {
      return List.copyOf(warnings);
    }
  }

  /** The problems so far, sorted by path. */
  public List<FileProblem> sorted() {
    List<FileProblem> copy;
    synchronized (list) {
      copy = new ArrayList<>(list);
    }
    Collections.sort(copy);
    return List.copyOf(copy);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
