package p3backup.cli;

import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import p3backup.forget.SoleBytes;
import p3backup.json.Jackson;
import p3backup.paths.Target;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.ManifestException;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code p3backup snapshots TARGET}: the backup runs recorded under TARGET, newest last. */
@Command(name = "snapshots", description = {"List the snapshots under TARGET: id, time, files,"
    + " bytes, and the bytes only that snapshot holds (what forget of it alone would free);"
    + " newest last."},
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

  /** One snapshot as listed; -1 where its manifest could not be read. */
  record Row(SnapshotRef ref, long files, long bytes, long onlyHere) {}

  @Override
  int run(Output output, long start) {
    Wiring.endpoint(global);
    Target t = Targets.parse(target);
    try (ObjectStore store = Wiring.store(global, env, 16, output)) {
      SnapshotStore snapshots = new SnapshotStore(store, t.bucket(), t.keyPrefix(), env.manifestCache());
      snapshots.requireBucket();
      List<SnapshotRef> refs = snapshots.list();
      long[] files = new long[refs.size()];
      long[] bytes = new long[refs.size()];
      boolean[] read = new boolean[refs.size()];
      SoleBytes sole = new SoleBytes();
      for (int i = 0; i < refs.size(); i++) {
        try {
          Manifest m = snapshots.load(refs.get(i));
          files[i] = m.files();
          bytes[i] = m.bytes();
          sole.add(i, m);
          read[i] = true;
        } catch (ManifestException | UncheckedIOException e) {
          output.warning(e.getMessage() + "; its sizes are not shown, and the bytes only other"
              + " snapshots hold may count what it holds too");
        }
      }
      long[] only = sole.totals(refs.size());
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < refs.size(); i++) {
        rows.add(read[i] ? new Row(refs.get(i), files[i], bytes[i], only[i]) : new Row(refs.get(i), -1, -1, -1));
      }
      print(output, t, rows, millisSince(start));
      return ExitCodes.OK;
    }
  }

  private void print(Output output, Target t, List<Row> rows, long ms) {
    if (output.json()) {
      output.out().println(Jackson.text(g -> {
        g.writeStartObject();
        g.writeStringField("command", "snapshots");
        g.writeStringField("bucket", t.bucket());
        g.writeStringField("prefix", t.prefix());
        g.writeArrayFieldStart("snapshots");
        for (Row r : rows) {
          g.writeStartObject();
          g.writeStringField("id", r.ref().id());
          g.writeStringField("time", r.ref().time().toString());
          g.writeNumberField("files", r.files());
          g.writeNumberField("bytes", r.bytes());
          g.writeNumberField("bytesOnlyHere", r.onlyHere());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("count", rows.size());
        g.writeNumberField("exitCode", 0);
        g.writeNumberField("durationMs", ms);
        g.writeEndObject();
      }));
      output.out().flush();
      return;
    }
    if (rows.isEmpty()) {
      output.summary("no snapshots under " + Targets.url(t.bucket(), t.keyPrefix()));
      return;
    }
    ZoneId zone = env.clock().getZone();
    output.listing(String.format(Locale.ROOT, "%-22s  %-19s  %10s  %10s  %10s", "ID", "TIME", "FILES",
        "BYTES", "ONLY HERE"));
    for (Row r : rows) {
      output.listing(String.format(Locale.ROOT, "%-22s  %-19s  %10s  %10s  %10s", r.ref().id(),
          TIME.format(r.ref().time().atZone(zone)), r.files() < 0 ? "?" : Long.toString(r.files()),
          r.bytes() < 0 ? "?" : Sizes.human(r.bytes()), r.onlyHere() < 0 ? "?" : Sizes.human(r.onlyHere())));
    }
  }
}
