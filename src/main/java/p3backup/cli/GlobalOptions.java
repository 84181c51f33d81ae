package p3backup.cli;

import picocli.CommandLine.Option;

/** Options every command takes, before or after its positionals. */
public final class GlobalOptions {
  @Option(names = "--profile", paramLabel = "NAME", description = "AWS CLI profile to use.")
  String profile;

  @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: from the profile or AWS_REGION).")
  String region;

  @Option(names = "--endpoint-url", paramLabel = "URL",
      description = "S3-compatible server to use instead of AWS (path-style addressing).")
  String endpointUrl;

  @Option(names = "--json", description = "Print one JSON summary object on stdout, nothing else.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing when all goes well: no progress, warnings or summary; errors and skipped files only.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Name each file transferred; full detail on errors.")
  boolean verbose;

  @Option(names = "--no-progress", description = "No progress display.")
  boolean noProgress;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;
}
