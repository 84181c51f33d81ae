package p3backup.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the global options, the environment it runs in, and one way to
 * turn its outcome or failure into output and an exit code ({@link Commands#guard}).
 */
abstract class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin GlobalOptions global;

  final Environment env;

  BaseCommand(Environment env) {
    this.env = env;
  }

  @Override
  public final Integer call() {
    long start = System.nanoTime();
    try (Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(),
        global, env.terminal())) {
      return Commands.guard(spec.name(), output, start, () -> run(output, start));
    }
  }

  /** The command itself; returns the exit code. */
  abstract int run(Output output, long start) throws IOException, InterruptedException;

  static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
