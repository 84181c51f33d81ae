package p3backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import p3backup.backup.BackupOptions;
import p3backup.backup.BackupResult;
import p3backup.backup.BackupRun;
import p3backup.json.Jackson;
import p3backup.paths.BucketNames;
import p3backup.paths.Target;
import p3backup.scan.ExcludeRules;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p3backup backup [TARGET|default] [DIR]}: upload what changed, then save a snapshot. */
@Command(name = "backup", aliases = "sync", sortOptions = false,
    description = {"Back up DIR (default: the current directory) to TARGET, uploading only what"
        + " changed since the last snapshot.",
        "TARGET is bucket, bucket/prefix or s3://bucket/prefix; with none, or 'default', a new"
            + " bucket p3backup-MM-dd-yy-HHmmss is created."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup backup my-bucket ~/Documents        ~/Documents into my-bucket",
        "  p3backup backup s3://my-bucket/laptop ~ --delete",
        "      under a prefix; drop what you deleted",
        "  p3backup backup my-bucket . --exclude '*.tmp' --dry-run",
        "      show what would be uploaded"})
public final class BackupCommand extends BaseCommand {
  static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY",
      "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE",
      "GLACIER_IR", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE");
  private static final long MIN_PART = 5L << 20;
  private static final long MAX_PART = 5L << 30;



  @Parameters(arity = "0..2", paramLabel = "TARGET DIR",
      description = "Where to (bucket[/prefix] or 'default') and what to back up.")
  List<String> positionals = new ArrayList<>();

  @Option(names = "--dry-run", description = "Show what would be uploaded or deleted; change nothing.")
  boolean dryRun;

  @Option(names = "--delete", description = "Delete objects of files that no longer exist locally.")
  boolean delete;

  @Option(names = "--exclude", paramLabel = "PATTERN", description = "Skip paths matching this gitignore-style pattern (repeatable).")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--exclude-from", paramLabel = "FILE", description = "Read exclude patterns from FILE, one per line.")
  List<Path> excludeFrom = new ArrayList<>();

  @Option(names = "--checksum", description = "Hash every file instead of trusting size and times.")
  boolean checksum;

  @Mixin JobsOption jobs;

  @Option(names = "--part-size", paramLabel = "SIZE", description = "Multipart part size (default: ${DEFAULT-VALUE}).")
  String partSize = "8MiB";

  @Option(names = "--storage-class", paramLabel = "CLASS", description = "S3 storage class of uploaded objects.")
  String storageClass;

  @Option(names = "--sse", paramLabel = "AES256|aws:kms", description = "Server-side encryption of uploaded objects.")
  String sse;

  @Option(names = "--sse-kms-key-id", paramLabel = "ID", description = "KMS key for --sse aws:kms.")
  String sseKmsKeyId;

  @Option(names = "--follow-symlinks", description = "Back up what links point to instead of the links.")
  boolean followSymlinks;

  @Option(names = "--no-versioning", description = "Do not turn on versioning in a bucket this run creates.")
  boolean noVersioning;

  BackupCommand(Environment env) {
    super(env);
  }

  @Override
  int run(Output output, long start) throws IOException, InterruptedException {
    BackupOptions options = options();
    try (ObjectStore store = Wiring.store(global, env, jobs.connections(), output)) {
      BackupResult r = new BackupRun(store, options, env.clock(), output).run();
      int code = r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
      long ms = millisSince(start);
      if (output.json()) {
        output.out().println(json(r, ms, code, dryRun));
        output.out().flush();
      } else {
        text(output, r, ms);
      }
      return code;
    }
  }

  /** Checks everything that can be checked before a request is sent (exit 2 otherwise). */
  BackupOptions options() throws IOException {
    if (positionals.size() > 2) {
      throw new UsageException("too many arguments: give TARGET and DIR at most");
    }
    int jobCount = jobs.value();
    long part = Sizes.parse(partSize);
    if (part < MIN_PART || part > MAX_PART) {
      throw new UsageException("invalid --part-size " + partSize + ": S3 takes parts from 5 MiB to 5 GiB");
    }
    String sseValue = null;
    if (sse != null) {
      if (sse.equalsIgnoreCase("AES256")) {
        sseValue = "AES256";
      } else if (sse.equalsIgnoreCase("aws:kms")) {
        sseValue = "aws:kms";
      } else {
        throw new UsageException("invalid --sse " + sse + ": use AES256 or aws:kms");
      }
    }
    if (sseKmsKeyId != null && !"aws:kms".equals(sseValue)) {
      throw new UsageException("--sse-kms-key-id needs --sse aws:kms");
    }
    String klass = storageClass == null ? null : storageClass.toUpperCase(Locale.ROOT);
    if (klass != null && !STORAGE_CLASSES.contains(klass)) {
      throw new UsageException("invalid --storage-class " + storageClass + ": use one of "
          + String.join(", ", new java.util.TreeSet<>(STORAGE_CLASSES)));
    }
    Wiring.endpoint(global);
    String targetText = positionals.isEmpty() ? "default" : positionals.get(0);
    Target target;
    if (targetText.equals("default")) {
      target = new Target(BucketNames.defaultName(LocalDateTime.now(env.clock())), "");
    } else {
      try {
        target = Target.parse(targetText);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Path dir = positionals.size() > 1
        ? env.workingDirectory().resolve(positionals.get(1))
        : env.workingDirectory();
    if (!Files.exists(dir)) {
      throw new UsageException("directory not found: " + dir + ": give an existing directory to back up");
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException("not a directory: " + dir + ": give the directory to back up, not a file");
    }
    List<String> patterns = new ArrayList<>(excludes);
    for (Path f : excludeFrom) {
      Path file = env.workingDirectory().resolve(f);
      try {
        patterns.addAll(ExcludeRules.readPatternFile(file));
      } catch (NoSuchFileException e) {
        throw new UsageException("cannot read --exclude-from " + f + ": no such file");
      } catch (IOException e) {
        throw new UsageException("cannot read --exclude-from " + f + ": " + e.getMessage());
      }
    }
    ExcludeRules rules;
    try {
      rules = ExcludeRules.of(patterns);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new BackupOptions(target.bucket(), target.keyPrefix(), dir.toRealPath(), rules,
        followSymlinks, checksum, delete, dryRun, jobCount, part, klass, sseValue, sseKmsKeyId,
        !noVersioning, env.manifestCache());
  }

  private static String json(BackupResult r, long ms, int code, boolean dryRun) {
    return Jackson.text(g -> {
      g.writeStartObject();
      g.writeStringField("command", "backup");
      g.writeStringField("bucket", r.bucket());
      g.writeStringField("prefix", stripSlash(r.prefix()));
      g.writeStringField("snapshot", r.snapshot()); // null before the first snapshot
      g.writeBooleanField("bucketCreated", r.bucketCreated());
      g.writeNumberField("filesScanned", r.filesScanned());
      g.writeNumberField("filesUploaded", r.filesUploaded());
      g.writeNumberField("filesUnchanged", r.filesUnchanged());
      g.writeNumberField("filesDeleted", r.filesDeleted());
      g.writeNumberField("bytesUploaded", r.bytesUploaded());
      Summary.errors(g, r.problems());
      Summary.warnings(g, r.warnings());
      g.writeBooleanField("dryRun", dryRun);
      if (dryRun) {
        g.writeArrayFieldStart("planned");
        for (BackupResult.Planned p : r.planned()) {
          g.writeStartObject();
          g.writeStringField("action", p.action());
          g.writeStringField("path", p.path());
          g.writeNumberField("size", p.size());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeNumberField("exitCode", code);
      g.writeNumberField("durationMs", ms);
      g.writeEndObject();
    });
  }

  private void text(Output output, BackupResult r, long ms) {
    String where = "s3://" + r.bucket() + (r.prefix().isEmpty() ? "" : "/" + stripSlash(r.prefix()));
    if (dryRun) {
      for (BackupResult.Planned p : r.planned()) {
        output.listing("would " + p.action() + ": " + p.path());
      }
      output.summary(String.format(Locale.ROOT,
          "dry run, nothing changed: would upload %d of %d files (%s) and delete %d to %s",
          r.filesUploaded(), r.filesScanned(), Sizes.human(r.bytesUploaded()),
          r.planned().stream().filter(p -> p.action().equals("delete")).count(), where));
      return;
    }
    output.summary(String.format(Locale.ROOT,
        "%s: %d files scanned, %d uploaded (%s), %d unchanged, %d deleted%s in %.1f s",
        where, r.filesScanned(), r.filesUploaded(), Sizes.human(r.bytesUploaded()),
        r.filesUnchanged(), r.filesDeleted(),
        r.snapshot() == null ? "; nothing changed, no new snapshot" : "; snapshot " + r.snapshot(),
        ms / 1000.0));
    if (!r.problems().isEmpty()) {
      output.summary(r.problems().size() + " file(s) could not be backed up (named above)");
    }
  }

  private static String stripSlash(String prefix) {
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }
}
