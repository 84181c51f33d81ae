package p3backup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites argv so that picocli sees the subcommand first: options may stand before or after
 * positionals, and {@code p3backup [TARGET] [DIR]} means {@code p3backup backup [TARGET] [DIR]}.
 * The first positional names the subcommand if it is one ({@code p3backup backup restore DIR}
 * backs up to a bucket called restore).
 */
final class DefaultCommandArgs {
  /** Options that take a value as the next word (unless given as --name=value). */
  private static final Set<String> WITH_VALUE = Set.of("--profile", "--region", "--endpoint-url",
      "--exclude", "--exclude-from", "--jobs", "--part-size", "--storage-class", "--sse",
      "--sse-kms-key-id", "--snapshot", "--include");
  private static final Set<String> STANDALONE = Set.of("-h", "--help", "-V", "--version");

  private DefaultCommandArgs() {}

  static String[] rewrite(String[] args, Set<String> subcommands) {
    int first = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        break;
      }
      if (a.startsWith("-") && a.length() > 1) {
        if (WITH_VALUE.contains(a)) {
          i++;
        }
        continue;
      }
      first = i;
      break;
    }
    List<String> out = new ArrayList<>(args.length + 1);
    if (first >= 0 && subcommands.contains(args[first])) {
      out.add(args[first]);
      for (int i = 0; i < args.length; i++) {
        if (i != first) {
          out.add(args[i]);
        }
      }
      return out.toArray(String[]::new);
    }
    if (first < 0) {
      for (String a : args) {
        if (STANDALONE.contains(a)) {
          return args.clone();
        }
      }
    }
    out.add("backup");
    out.addAll(List.of(args));
    return out.toArray(String[]::new);
  }
}
