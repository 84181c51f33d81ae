package p3backup.cli;

import java.io.StringWriter;
import java.util.List;
import p3backup.json.JsonWriter;
import p3backup.problems.FileProblem;

/** Helpers for the one JSON object a command prints with --json. */
final class Summary {
  private Summary() {}

  static void errors(JsonWriter w, List<FileProblem> problems) {
    w.name("errors").beginArray();
    for (FileProblem p : problems) {
      w.beginObject().field("path", p.path()).field("message", p.message()).endObject();
    }
    w.endArray();
  }

  static void warnings(JsonWriter w, List<String> warnings) {
    w.name("warnings").beginArray();
    for (String s : warnings) {
      w.value(s);
    }
    w.endArray();
  }

  /** The JSON printed when a command fails before it has a result. */
  static String failure(String command, String message, int exitCode, long durationMs) {
    StringWriter s = new StringWriter();
    JsonWriter w = new JsonWriter(s);
    w.beginObject().field("command", command).field("exitCode", exitCode)
        .field("error", message);
    w.name("errors").beginArray().beginObject().field("path", "").field("message", message)
        .endObject().endArray();
    w.field("durationMs", durationMs).endObject();
    return s.toString();
  }
}
