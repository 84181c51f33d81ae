package p3backup.cli;

import picocli.CommandLine.IVersionProvider;

/** The version p3backup reports; a test keeps it equal to the build's version. */
public final class Version implements IVersionProvider {
  public static final String VALUE = "0.1.0-SNAPSHOT";

  @Override
  public String[] getVersion() {
    return new String[] {"p3backup " + VALUE};
  }
}
