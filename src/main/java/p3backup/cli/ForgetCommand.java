package p3backup.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import p3backup.forget.ForgetOptions;
import p3backup.forget.ForgetPlan;
import p3backup.forget.ForgetResult;
import p3backup.forget.Forgetter;
import p3backup.forget.KeepWithin;
import p3backup.forget.Policy;
import p3backup.forget.Retention.Kept;
import p3backup.json.Jackson;
import p3backup.paths.Target;
import p3backup.snapshot.SnapshotRef;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p3backup forget TARGET}: remove snapshots by a keep policy and free what only they held. */
@Command(name = "forget", sortOptions = false,
    description = {"Forget the snapshots of TARGET that no keep option keeps (restic's policy, in"
        + " local time), or exactly those named by --snapshot, and free the objects and versions"
        + " only they held. The newest snapshot is always kept; nothing a kept snapshot needs,"
        + " and nothing p3backup did not write, is ever deleted.",
        "A count of -1 keeps all of its kind."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup forget my-bucket --keep-daily 7 --keep-weekly 4 --dry-run",
        "      what a week of dailies and a month of weeklies would keep",
        "  p3backup forget my-bucket --keep-within 30d --keep-monthly 12",
        "      everything from the last 30 days, then one a month for a year",
        "  p3backup forget my-bucket --snapshot 20261126T1518   exactly that snapshot"})
public final class ForgetCommand extends BaseCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Parameters(index = "0", paramLabel = "TARGET", description = "bucket, bucket/prefix or s3://bucket/prefix")
  String target;

  @Option(names = "--keep-last", paramLabel = "N", description = "Keep the newest N snapshots.")
  int keepLast;

  @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N hours that have one.")
  int keepHourly;

  @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest snapshot of each of the last N days that have one.")
  int keepDaily;

  @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N ISO weeks that have one.")
  int keepWeekly;

  @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N months that have one.")
  int keepMonthly;

  @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N years that have one.")
  int keepYearly;

  @Option(names = "--keep-within", paramLabel = "DURATION",
      description = "Keep every snapshot taken within DURATION before the newest one (36h, 30d, 1y6m).")
  String keepWithin;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Forget exactly this snapshot (an id or a unique beginning of one; repeatable).")
  List<String> snapshots = new ArrayList<>();

  @Option(names = "--dry-run", description = "Print the plan and what it would free; change nothing.")
  boolean dryRun;

  @Mixin JobsOption jobs;

  ForgetCommand(Environment env) {
    super(env);
  }

  @Override
  int run(Output output, long start) throws InterruptedException {
    ForgetOptions options = options();
    try (ObjectStore store = Wiring.store(global, env, jobs.connections(), output)) {
      Forgetter forgetter = new Forgetter(store, options, env.clock(), output);
      ForgetPlan plan;
      try {
        plan = forgetter.plan();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      if (!output.json()) {
        printPlan(output, plan);
      }
      ForgetResult r = forgetter.execute(plan);
      int code = r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
      long ms = millisSince(start);
      if (output.json()) {
        output.out().println(json(r, code, ms));
        output.out().flush();
      } else {
        output.summary(String.format(Locale.ROOT, "%s: %s %d snapshot(s), kept %d; %s %s"
            + " (%d version(s), %d object(s) gone) in %.1f s", Targets.url(r.bucket(), r.prefix()),
            r.dryRun() ? "would forget" : "forgot", plan.removed().size(), plan.kept().size(),
            r.dryRun() ? "would free" : "freed", Sizes.human(r.bytesFreed()), r.versionsDeleted(),
            r.objectsDeleted(), ms / 1000.0));
        if (!r.problems().isEmpty()) {
          output.summary(r.problems().size() + " version(s) not deleted (named above): run forget"
              + " again to finish");
        }
      }
      return code;
    }
  }

  /** Checks everything that can be checked before a request is sent (exit 2 otherwise). */
  ForgetOptions options() {
    int jobCount = jobs.value();
    Wiring.endpoint(global);
    Target t = Targets.parse(target);
    String[] names = {"--keep-last", "--keep-hourly", "--keep-daily", "--keep-weekly", "--keep-monthly", "--keep-yearly"};
    int[] counts = {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < Policy.ALL) {
        throw new UsageException("invalid " + names[i] + " " + counts[i]
            + ": give a count from 0 up, or -1 to keep all");
      }
    }
    KeepWithin within = null;
    if (keepWithin != null) {
      try {
        within = KeepWithin.parse(keepWithin);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--keep-within: " + e.getMessage());
      }
    }
    Policy policy = new Policy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, within);
    if (policy.isEmpty() && snapshots.isEmpty()) {
      throw new UsageException("no keep option and no --snapshot: forget would remove every snapshot;"
          + " give a policy such as --keep-daily 7 --keep-weekly 4, or --snapshot ID");
    }
    if (!policy.isEmpty() && !snapshots.isEmpty()) {
      throw new UsageException("give keep options or --snapshot, not both");
    }
    ZoneId zone = env.clock().getZone();
    return new ForgetOptions(t.bucket(), t.keyPrefix(), policy.isEmpty() ? null : policy,
        snapshots, dryRun, jobCount, zone);
  }

  /** The plan: asked for with --dry-run (printed under -q too), else part of the summary. */
  private void printPlan(Output output, ForgetPlan plan) {
    ZoneId zone = env.clock().getZone();
    java.util.function.Consumer<String> line = dryRun ? output::listing : output::summary;
    for (Kept k : plan.kept()) {
      line.accept(String.format(Locale.ROOT, "keep    %-22s  %s  %s", k.snapshot().id(),
          TIME.format(k.snapshot().time().atZone(zone)), String.join(", ", k.reasons())));
    }
    for (SnapshotRef r : plan.removed()) {
      line.accept(String.format(Locale.ROOT, "remove  %-22s  %s", r.id(), TIME.format(r.time().atZone(zone))));
    }
    if (!plan.interrupted().isEmpty()) {
      line.accept("finishing " + plan.interrupted().size() + " interrupted forget(s)");
    }
  }

  static String json(ForgetResult r, int code, long ms) {
    return Jackson.text(g -> {
      g.writeStartObject();
      g.writeStringField("command", "forget");
      g.writeStringField("bucket", r.bucket());
      g.writeStringField("prefix", Targets.prefix(r.prefix()));
      g.writeArrayFieldStart("kept");
      for (Kept k : r.plan().kept()) {
        g.writeStartObject();
        g.writeStringField("snapshot", k.snapshot().id());
        Summary.strings(g, "reasons", k.reasons());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("removed");
      for (SnapshotRef ref : r.plan().removed()) {
        g.writeString(ref.id());
      }
      g.writeEndArray();
      g.writeNumberField("objectsDeleted", r.objectsDeleted());
      g.writeNumberField("versionsDeleted", r.versionsDeleted());
      g.writeNumberField("bytesFreed", r.bytesFreed());
      Summary.errors(g, r.problems());
      Summary.warnings(g, r.warnings());
      g.writeBooleanField("dryRun", r.dryRun());
      g.writeNumberField("exitCode", code);
      g.writeNumberField("durationMs", ms);
      g.writeEndObject();
    });
  }
}
