package p3backup.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code p3backup completion bash|zsh|fish}: a shell completion script, on stdout. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Print a completion script for bash, zsh or fish on stdout. It completes"
        + " the commands and their options, and file names where a directory is asked for."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  echo 'source <(p3backup completion bash)' >> ~/.bashrc",
        "  echo 'source <(p3backup completion zsh)' >> ~/.zshrc",
        "  p3backup completion fish > ~/.config/fish/completions/p3backup.fish"})
public final class CompletionCommand implements Callable<Integer> {
  /** The shells a script can be printed for. */
  enum Shell {
    bash,
    zsh,
    fish
  }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    String name = root.getCommandName();
    String script = switch (shell) {
      // picocli's script serves zsh as well, through zsh's bashcompinit, which it loads itself.
      case bash, zsh -> AutoComplete.bash(name, root);
      case fish -> fish(root.getCommandSpec());
    };
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /**
   * A fish script from the command model: the subcommands (with their aliases) where no
   * subcommand is given yet, then each command's options where that command is given. File
   * names stay offered for the positionals (DIR, DEST) and for options that take a file.
   */
  static String fish(CommandSpec root) {
    String name = root.name();
    StringBuilder s = new StringBuilder();
    s.append("# fish completion for ").append(name).append(", made by `").append(name)
        .append(" completion fish`\n");
    s.append("complete -c ").append(name).append(" -e\n");
    List<CommandSpec> commands = new ArrayList<>();
    for (CommandLine sub : root.subcommands().values()) {
      if (!commands.contains(sub.getCommandSpec())) {
        commands.add(sub.getCommandSpec());
      }
    }
    String none = "__fish_use_subcommand";
    for (CommandSpec c : commands) {
      s.append("complete -c ").append(name).append(" -n ").append(none).append(" -a ")
          .append(quote(c.name())).append(" -d ").append(quote(firstSentence(c))).append('\n');
      for (String alias : c.aliases()) {
        s.append("complete -c ").append(name).append(" -n ").append(none).append(" -a ")
            .append(quote(alias)).append(" -d ").append(quote("same as " + c.name())).append('\n');
      }
    }
    options(s, name, none, root);
    for (CommandSpec c : commands) {
      List<String> names = new ArrayList<>(List.of(c.name()));
      names.addAll(List.of(c.aliases()));
      options(s, name, "'__fish_seen_subcommand_from " + String.join(" ", names) + "'", c);
    }
    return s.toString();
  }

  private static void options(StringBuilder s, String name, String condition, CommandSpec c) {
    for (OptionSpec o : c.options()) {
      if (o.hidden()) {
        continue;
      }
      s.append("complete -c ").append(name).append(" -n ").append(condition);
      for (String n : o.names()) {
        if (n.startsWith("--")) {
          s.append(" -l ").append(n.substring(2));
        } else if (n.startsWith("-") && n.length() == 2) {
          s.append(" -s ").append(n.substring(1));
        }
      }
      if (o.arity().max() > 0) {
        s.append(" -r");
        List<String> candidates = new ArrayList<>();
        if (o.completionCandidates() != null) {
          o.completionCandidates().forEach(candidates::add);
        }
        if (!candidates.isEmpty()) {
          s.append(" -f -a ").append(quote(String.join(" ", candidates)));
        } else if (o.auxiliaryTypes()[0] != Path.class) {
          s.append(" -f"); // a value, not a file name
        }
      }
      String[] d = o.description();
      if (d.length > 0) {
        s.append(" -d ").append(quote(d[0].replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))));
      }
      s.append('\n');
    }
  }

  private static String firstSentence(CommandSpec c) {
    String[] d = c.usageMessage().description();
    String text = d.length == 0 ? c.name() : d[0];
    int dot = text.indexOf(". ");
    return dot < 0 ? text : text.substring(0, dot + 1);
  }

  /** A fish single-quoted string: only the backslash and the quote itself are escaped. */
  static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
