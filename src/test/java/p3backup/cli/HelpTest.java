package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;

/** Each command's --help ends with examples; the top-level help names the exit codes. */
class HelpTest {
  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"", "backup", "sync", "restore", "verify", "snapshots", "buckets", "completion"})
  void helpOfEveryCommandEndsWithExamples(String command) throws IOException {
    Result r = new CliRunner(home).runExactly(command.isEmpty() ? new String[] {"--help"}
        : new String[] {command, "--help"});
    assertEquals(0, r.exitCode(), r.toString());
    List<String> lines = r.out().stripTrailing().lines().toList();
    int examples = lines.indexOf("Examples:");
    assertTrue(examples > 0, "an Examples section: " + r.out());
    List<String> after = lines.subList(examples + 1, lines.size());
    long commands = after.stream().filter(l -> l.startsWith("  p3backup ") || l.startsWith("  echo ")).count();
    assertTrue(commands >= 2 && commands <= 3, "two or three examples: " + after);
    for (String l : after) {
      assertTrue(l.startsWith("  "), "the section is last: " + l);
      assertTrue(l.length() <= 80, "fits a terminal unwrapped: " + l);
    }
  }

  @Test
  void topLevelHelpNamesTheExitCodesAndWhereToReadMore() throws IOException {
    Result r = new CliRunner(home).runExactly("--help");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("Exit codes:"), r.out());
    for (String code : List.of("0", "1", "2", "3")) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + code + " ")), "exit code " + code + ": " + r.out());
    }
    assertTrue(r.out().contains("man p3backup") && r.out().contains("README"), r.out());
  }
}
