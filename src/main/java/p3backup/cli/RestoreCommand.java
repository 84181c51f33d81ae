package p3backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import p3backup.json.Jackson;
import p3backup.paths.Target;
import p3backup.restore.RestoreOptions;
import p3backup.restore.RestoreResult;
import p3backup.restore.Restorer;
import p3backup.scan.ExcludeRules;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p3backup restore TARGET DEST}: write a snapshot back to disk, byte for byte. */
@Command(name = "restore", sortOptions = false,
    description = {"Restore the latest snapshot of TARGET (or --snapshot ID) into DEST, creating"
        + " it. Identical files are skipped; differing ones are replaced only with --overwrite.",
        "Nothing is ever written outside DEST."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup restore my-bucket ~/restored        the latest snapshot",
        "  p3backup restore my-bucket ~/old --snapshot 20261126T1518",
        "      an older snapshot",
        "  p3backup restore my-bucket ~/docs --include 'docs/**/*.pdf'",
        "      only some of the files"})
public final class RestoreCommand extends BaseCommand {
  private static final long PART = 16L << 20;



  @Parameters(index = "0", paramLabel = "TARGET", description = "bucket, bucket/prefix or s3://bucket/prefix")
  String target;

  @Parameters(index = "1", paramLabel = "DEST", description = "The directory to restore into.")
  Path dest;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Restore this snapshot (an id or a unique beginning of one) instead of the latest.")
  String snapshot;

  @Option(names = "--overwrite", description = "Replace files in DEST that differ from the backup.")
  boolean overwrite;

  @Option(names = "--include", paramLabel = "PATTERN", description = "Restore only paths matching this gitignore-style pattern (repeatable).")
  List<String> includes = new ArrayList<>();

  @Mixin JobsOption jobs;

  RestoreCommand(Environment env) {
    super(env);
  }

  @Override
  int run(Output output, long start) throws IOException, InterruptedException {
    int jobCount = jobs.value();
    Wiring.endpoint(global);
    Target t = Targets.parse(target);
    Path destination = env.workingDirectory().resolve(dest);
    if (Files.exists(destination) && !Files.isDirectory(destination)) {
      throw new UsageException("DEST is not a directory: " + destination + ": give a directory to restore into");
    }
    ExcludeRules rules;
    try {
      rules = ExcludeRules.of(includes);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    RestoreOptions options = new RestoreOptions(t.bucket(), t.keyPrefix(), destination, snapshot,
        overwrite, rules, jobCount, PART, env.manifestCache());
    try (ObjectStore store = Wiring.store(global, env, jobs.connections(), output)) {
      RestoreResult r;
      try {
        r = new Restorer(store, options, output).run();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      int code = r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
      long ms = millisSince(start);
      if (output.json()) {
        output.out().println(Jackson.text(g -> {
          g.writeStartObject();
          g.writeStringField("command", "restore");
          g.writeStringField("bucket", r.bucket());
          g.writeStringField("prefix", Targets.prefix(r.prefix()));
          g.writeStringField("snapshot", r.snapshot()); // null: restored from the listing
          g.writeStringField("destination", destination.toString());
          g.writeNumberField("filesRestored", r.filesRestored());
          g.writeNumberField("filesIdentical", r.filesIdentical());
          g.writeNumberField("dirsCreated", r.dirs());
          g.writeNumberField("linksCreated", r.links());
          g.writeNumberField("bytesDownloaded", r.bytesDownloaded());
          Summary.errors(g, r.problems());
          Summary.warnings(g, r.warnings());
          g.writeNumberField("exitCode", code);
          g.writeNumberField("durationMs", ms);
          g.writeEndObject();
        }));
        output.out().flush();
      } else {
        output.summary(String.format(Locale.ROOT,
            "%s%s -> %s: %d files restored (%s), %d already identical, %d directories, %d links in %.1f s",
            Targets.url(r.bucket(), r.prefix()),
            r.snapshot() == null ? " (no snapshot: from the listing)" : " snapshot " + r.snapshot(),
            destination, r.filesRestored(), Sizes.human(r.bytesDownloaded()), r.filesIdentical(),
            r.dirs(), r.links(), ms / 1000.0));
        if (!r.problems().isEmpty()) {
          output.summary(r.problems().size() + " path(s) not restored (named above)");
        }
      }
      return code;
    }
  }
}
