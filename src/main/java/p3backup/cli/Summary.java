package p3backup.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import p3backup.json.Jackson;
import p3backup.problems.FileProblem;

/** Helpers for the one JSON object a command prints with --json. */
final class Summary {
  private Summary() {}

  static void errors(JsonGenerator g, List<FileProblem> problems) throws IOException {
    g.writeArrayFieldStart("errors");
    for (FileProblem p : problems) {
      g.writeStartObject();
      g.writeStringField("path", p.path());
      g.writeStringField("message", p.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void warnings(JsonGenerator g, List<String> warnings) throws IOException {
    strings(g, "warnings", warnings);
  }

  /** A member whose value is an array of strings. */
  static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  /** The JSON printed when a command fails before it has a result. */
  static String failure(String command, String message, int exitCode, long durationMs) {
    return Jackson.text(g -> {
      g.writeStartObject();
      g.writeStringField("command", command);
      g.writeNumberField("exitCode", exitCode);
      g.writeStringField("error", message);
      errors(g, List.of(new FileProblem("", message)));
      g.writeNumberField("durationMs", durationMs);
      g.writeEndObject();
    });
  }
}
