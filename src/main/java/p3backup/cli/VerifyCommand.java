package p3backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import p3backup.json.Jackson;
import p3backup.paths.Target;
import p3backup.storage.ObjectStore;
import p3backup.verify.VerifyOptions;
import p3backup.verify.VerifyResult;
import p3backup.verify.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p3backup verify TARGET [DIR]}: check a snapshot against the bucket (and a tree). */
@Command(name = "verify", sortOptions = false,
    description = {"Check that every file of the latest snapshot of TARGET is in the bucket with"
        + " its recorded size (--read-data: and SHA-256). With DIR, also list what differs"
        + " between DIR and the snapshot. Exit 0 only when nothing is wrong."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup verify my-bucket                    every file there, with its size",
        "  p3backup verify my-bucket --read-data        download and re-hash every file",
        "  p3backup verify my-bucket ~/Documents        new, changed and missing files"})
public final class VerifyCommand extends BaseCommand {


  @Parameters(index = "0", paramLabel = "TARGET", description = "bucket, bucket/prefix or s3://bucket/prefix")
  String target;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "A local tree to compare with the snapshot.")
  Path dir;

  @Option(names = "--read-data", description = "Download every file and check its SHA-256.")
  boolean readData;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Verify this snapshot instead of the latest.")
  String snapshot;

  @Mixin JobsOption jobs;

  VerifyCommand(Environment env) {
    super(env);
  }

  @Override
  int run(Output output, long start) throws IOException, InterruptedException {
    int jobCount = jobs.value();
    Wiring.endpoint(global);
    Target t = Targets.parse(target);
    Path directory = null;
    if (dir != null) {
      directory = env.workingDirectory().resolve(dir);
      if (!Files.isDirectory(directory)) {
        throw new UsageException((Files.exists(directory) ? "not a directory: " : "directory not found: ")
            + directory + ": give the directory to compare with the backup");
      }
      directory = directory.toRealPath();
    }
    try (ObjectStore store = Wiring.store(global, env, jobs.connections(), output)) {
      VerifyResult r;
      try {
        r = new Verifier(store, new VerifyOptions(t.bucket(), t.keyPrefix(), snapshot, readData,
            directory, jobCount, env.manifestCache()), output).run();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      int code = r.clean() ? ExitCodes.OK : ExitCodes.FAILED;
      long ms = millisSince(start);
      if (output.json()) {
        boolean compared = directory != null;
        output.out().println(Jackson.text(g -> {
          g.writeStartObject();
          g.writeStringField("command", "verify");
          g.writeStringField("bucket", r.bucket());
          g.writeStringField("prefix", Targets.prefix(r.prefix()));
          g.writeStringField("snapshot", r.snapshot());
          g.writeBooleanField("readData", readData);
          g.writeNumberField("filesChecked", r.filesChecked());
          g.writeNumberField("bytesRead", r.bytesRead());
          g.writeBooleanField("ok", r.clean());
          Summary.errors(g, r.problems());
          if (compared) {
            Summary.strings(g, "new", r.added());
            Summary.strings(g, "changed", r.changed());
            Summary.strings(g, "missing", r.missing());
          }
          g.writeNumberField("exitCode", code);
          g.writeNumberField("durationMs", ms);
          g.writeEndObject();
        }));
        output.out().flush();
      } else {
        for (String p : r.added()) {
          output.listing("new: " + p);
        }
        for (String p : r.changed()) {
          output.listing("changed: " + p);
        }
        for (String p : r.missing()) {
          output.listing("missing: " + p);
        }
        output.summary(String.format(Locale.ROOT, "%s snapshot %s: %d files checked%s; %s",
            Targets.url(r.bucket(), r.prefix()), r.snapshot(), r.filesChecked(),
            readData ? " (" + Sizes.human(r.bytesRead()) + " read and hashed)" : "",
            r.clean() ? "all good" : problemsText(r)));
      }
      return code;
    }
  }

  private static String problemsText(VerifyResult r) {
    StringBuilder s = new StringBuilder();
    if (!r.problems().isEmpty()) {
      s.append(r.problems().size()).append(" problem(s) in the backup (named above)");
    }
    int diffs = r.added().size() + r.changed().size() + r.missing().size();
    if (diffs > 0) {
      if (s.length() > 0) {
        s.append("; ");
      }
      s.append(String.format(Locale.ROOT, "the directory differs: %d new, %d changed, %d missing",
          r.added().size(), r.changed().size(), r.missing().size()));
    }
    return s.toString();
  }
}
