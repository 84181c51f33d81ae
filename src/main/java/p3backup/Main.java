package p3backup;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import p3backup.cli.CommandLineFactory;
import p3backup.cli.Environment;

/** The entry point: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String... args) {
    Charset cs = stdoutCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, cs), false);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, cs), false);
    int code = CommandLineFactory.run(args, Environment.system(), out, err);
    System.exit(code);
  }

  private static Charset stdoutCharset() {
    String enc = System.getProperty("stdout.encoding");
    try {
      return enc != null ? Charset.forName(enc) : Charset.defaultCharset();
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
