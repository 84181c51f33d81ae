package p3backup.cli;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Builds the configured command line: commands made with the given {@link Environment}, output
 * to the given writers, usage errors mapped to exit 2 with a one-line message.
 */
public final class CommandLineFactory {
  private CommandLineFactory() {}

  /**
   * Makes the commands with an {@link Environment}. Public, with a constructor that takes none,
   * for tools that build the command model from its class alone (the man page generator).
   */
  public static final class CommandFactory implements IFactory {
    private final IFactory defaults = CommandLine.defaultFactory();
    private final Environment env;

    public CommandFactory() {
      this(Environment.system());
    }

    CommandFactory(Environment env) {
      this.env = env;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == BackupCommand.class) {
        return cls.cast(new BackupCommand(env));
      }
      if (cls == RestoreCommand.class) {
        return cls.cast(new RestoreCommand(env));
      }
      if (cls == VerifyCommand.class) {
        return cls.cast(new VerifyCommand(env));
      }
      if (cls == SnapshotsCommand.class) {
        return cls.cast(new SnapshotsCommand(env));
      }
      if (cls == ForgetCommand.class) {
        return cls.cast(new ForgetCommand(env));
      }
      if (cls == BucketsCommand.class) {
        return cls.cast(new BucketsCommand(env));
      }
      return defaults.create(cls);
    }
  }

  public static CommandLine create(Environment env, PrintWriter out, PrintWriter err) {
    IFactory factory = new CommandFactory(env);
    CommandLine cl = new CommandLine(new RootCommand(), factory);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(CommandLineFactory::usageError);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("p3backup: unexpected error: " + e);
      commandLine.getErr().flush();
      return ExitCodes.FAILED;
    });
    return cl;
  }

  /** Runs p3backup with these arguments; returns the exit code. */
  public static int run(String[] args, Environment env, PrintWriter out, PrintWriter err) {
    CommandLine cl = create(env, out, err);
    String[] rewritten = DefaultCommandArgs.rewrite(args, subcommandNames(cl));
    int code = cl.execute(rewritten);
    out.flush();
    err.flush();
    return code;
  }

  static Set<String> subcommandNames(CommandLine cl) {
    return cl.getSubcommands().keySet();
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
        && u.getUnmatched().get(0).startsWith("-")) {
      message = "unknown option " + u.getUnmatched().get(0);
    }
    err.println("p3backup: " + message + " (see p3backup " + cl.getCommandName() + " --help)");
    err.flush();
    boolean json = false;
    for (String a : args) {
      json |= a.equals("--json");
    }
    if (json) {
      cl.getOut().println(Summary.failure(cl.getCommandName(), message, ExitCodes.USAGE, 0));
      cl.getOut().flush();
    }
    return ExitCodes.USAGE;
  }
}
