package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.forget.ForgetOptions;
import p3backup.forget.ForgetResult;
import p3backup.forget.Forgetter;
import p3backup.forget.Policy;
import p3backup.json.Json;
import p3backup.problems.RunListener;
import p3backup.snapshot.Manifest;
import p3backup.snapshot.SnapshotStore;
import p3backup.storage.InMemoryObjectStore;

/** {@code forget} on the command line: bad input is exit 2 before any request; its JSON. */
class ForgetCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // No credentials, and an endpoint nothing listens on: a request would fail with exit 1.
    Environment env = new Environment(Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y",
        "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"), tmp, tmp,
        Clock.fixed(Instant.parse("2024-06-01T10:00:00Z"), ZoneId.of("Europe/Berlin")), false);
    int code = CommandLineFactory.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static Stream<List<String>> badInputs() {
    return Stream.of(
        List.of("forget", "my-bucket"),
        List.of("forget", "my-bucket", "--keep-last", "0"),
        List.of("forget", "my-bucket", "--dry-run"),
        List.of("forget", "my-bucket", "--keep-within", "30"),
        List.of("forget", "my-bucket", "--keep-within", "1w"),
        List.of("forget", "my-bucket", "--keep-within", "0d"),
        List.of("forget", "my-bucket", "--keep-within", "-3d"),
        List.of("forget", "my-bucket", "--keep-daily", "-2"),
        List.of("forget", "my-bucket", "--keep-daily", "seven"),
        List.of("forget", "my-bucket", "--keep-daily", "7", "--snapshot", "20240601"),
        List.of("forget", "my-bucket", "--keep-daily", "7", "--jobs", "0"),
        List.of("forget", "Not_A_Bucket", "--keep-daily", "7"),
        List.of("forget", "--keep-daily", "7"),
        List.of("forget", "my-bucket", "--keep-daily", "7", "--endpoint-url", "ftp://x"),
        List.of("forget", "my-bucket", "--keep-daily", "7", "--no-such-option"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void badInputIsExit2WithOneLineBeforeAnyRequest(List<String> args) {
    Run r = run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("p3backup: "), r.err());
    assertEquals("", r.out());
  }

  @Test
  void noPolicySaysWhatToGive() {
    Run r = run("forget", "my-bucket", "--json");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--keep-daily 7"), r.err());
    assertEquals(2L, Json.number(Json.parseObject(r.out().trim()), "exitCode"));
  }

  @Test
  void jsonHasTheContractsFields() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore(true);
    store.createBucket("b", null);
    SnapshotStore snapshots = new SnapshotStore(store, "b", "");
    for (String id : List.of("20240530T080000.000Z", "20240531T080000.000Z", "20240601T080000.000Z")) {
      snapshots.save(new Manifest(id, Instant.parse("2024-06-01T08:00:00Z"), List.of()));
    }
    Forgetter f = new Forgetter(store, new ForgetOptions("b", "", new Policy(2, 0, 0, 0, 0, 0, null),
        List.of(), false, 4, ZoneId.of("Europe/Berlin")), Clock.systemUTC(), RunListener.NONE);
    ForgetResult r = f.execute(f.plan());
    Map<String, Object> json = Json.parseObject(ForgetCommand.json(r, 0, 12));
    assertEquals("forget", json.get("command"));
    assertEquals("b", json.get("bucket"));
    assertEquals("", json.get("prefix"));
    List<Object> kept = new ArrayList<>((List<?>) json.get("kept"));
    assertEquals(2, kept.size());
    assertEquals(Map.of("snapshot", "20240601T080000.000Z", "reasons", List.of("last")), kept.get(0));
    assertEquals(List.of("20240530T080000.000Z"), json.get("removed"));
    for (String field : List.of("objectsDeleted", "versionsDeleted", "bytesFreed", "durationMs")) {
      assertTrue(json.get(field) instanceof Long, field + " in " + json);
    }
    assertEquals(List.of(), json.get("errors"));
    assertEquals(false, json.get("dryRun"));
  }
}
