package p3backup.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import p3backup.json.Jackson;
import p3backup.paths.BucketNames;
import p3backup.storage.BucketInfo;
import p3backup.storage.ObjectStore;
import picocli.CommandLine.Command;

/** {@code p3backup buckets}: the account's p3backup-* buckets with the time each name encodes. */
@Command(name = "buckets", description = "List the account's p3backup-* buckets with the time each name encodes, oldest first.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup buckets                             of the default profile",
        "  p3backup buckets --profile work              of another AWS CLI profile"})
public final class BucketsCommand extends BaseCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");



  BucketsCommand(Environment env) {
    super(env);
  }

  record Row(String name, LocalDateTime time) {}

  @Override
  int run(Output output, long start) {
    Wiring.endpoint(global);
    try (ObjectStore store = Wiring.store(global, env, 4, output)) {
      List<Row> rows = new ArrayList<>();
      for (BucketInfo b : store.listBuckets()) {
        if (b.name().startsWith("p3backup-")) {
          rows.add(new Row(b.name(), BucketNames.parseDefaultName(b.name()).orElse(null)));
        }
      }
      rows.sort(Comparator.comparing(Row::time, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Row::name));
      print(output, rows, millisSince(start));
      return ExitCodes.OK;
    }
  }

  private static void print(Output output, List<Row> rows, long ms) {
    if (output.json()) {
      output.out().println(Jackson.text(g -> {
        g.writeStartObject();
        g.writeStringField("command", "buckets");
        g.writeArrayFieldStart("buckets");
        for (Row r : rows) {
          g.writeStartObject();
          g.writeStringField("name", r.name());
          g.writeStringField("time", r.time() == null ? null : r.time().toString());
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
      output.summary("no p3backup-* buckets in this account");
      return;
    }
    for (Row r : rows) {
      output.listing(String.format(Locale.ROOT, "%-30s  %s", r.name(),
          r.time() == null ? "(no time in the name)" : TIME.format(r.time())));
    }
  }
}
