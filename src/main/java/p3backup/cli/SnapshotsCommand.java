package p3backup.cli;

import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import p3backup.json.JsonWriter;
import p3backup.paths.Target;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code p3backup snapshots TARGET}: the backup runs recorded under TARGET, newest last. */
@Command(name = "snapshots", description = "List the snapshots under TARGET: id, time, files, bytes; newest last.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup snapshots my-bucket                 the snapshots of my-bucket",
        "  p3backup snapshots s3://my-bucket/laptop     those under a prefix",
        "  p3backup snapshots my-bucket --json          as one JSON object"})
public final class SnapshotsCommand extends BaseCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");



  @Parameters(index = "0", paramLabel = "TARGET", description = "bucket, bucket/prefix or s3://bucket/prefix")
  String target;

  SnapshotsCommand(Environment env) {
    super(env);
  }

  /** One snapshot as listed. */
  record Row(SnapshotRef ref, long files, long bytes) {}

  @Override
  int run(Output output, long start) {
    Wiring.endpoint(global);
    Target t = Targets.parse(target);
    try (ObjectStore store = Wiring.store(global, env, 16, output)) {
      SnapshotStore snapshots = new SnapshotStore(store, t.bucket(), t.keyPrefix());
      snapshots.requireBucket();
      List<Row> rows = new ArrayList<>();
      for (SnapshotRef ref : snapshots.list()) {
        Map<String, String> meta = store.head(t.bucket(), ref.key());
        rows.add(new Row(ref, number(meta.get("files")), number(meta.get("bytes"))));
      }
      print(output, t, rows, millisSince(start));
      return ExitCodes.OK;
    }
  }

  private static long number(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void print(Output output, Target t, List<Row> rows, long ms) {
    if (output.json()) {
      StringWriter s = new StringWriter();
      JsonWriter w = new JsonWriter(s);
      w.beginObject().field("command", "snapshots").field("bucket", t.bucket())
          .field("prefix", t.prefix()).name("snapshots").beginArray();
      for (Row r : rows) {
        w.beginObject().field("id", r.ref().id()).field("time", r.ref().time().toString())
            .field("files", r.files()).field("bytes", r.bytes()).endObject();
      }
      w.endArray().field("count", rows.size()).field("exitCode", 0).field("durationMs", ms).endObject();
      output.out().println(s);
      output.out().flush();
      return;
    }
    if (rows.isEmpty()) {
      output.summary("no snapshots under " + Targets.url(t.bucket(), t.keyPrefix()));
      return;
    }
    ZoneId zone = env.clock().getZone();
    output.listing(String.format(Locale.ROOT, "%-22s  %-19s  %10s  %10s", "ID", "TIME", "FILES", "BYTES"));
    for (Row r : rows) {
      output.listing(String.format(Locale.ROOT, "%-22s  %-19s  %10s  %10s", r.ref().id(),
          TIME.format(r.ref().time().atZone(zone)), r.files() < 0 ? "?" : Long.toString(r.files()),
          r.bytes() < 0 ? "?" : Sizes.human(r.bytes())));
    }
  }
}
