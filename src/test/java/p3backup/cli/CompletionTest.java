package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p3backup.testing.CliRunner;
import p3backup.testing.CliRunner.Result;

/** {@code p3backup completion bash|zsh|fish}: scripts a shell takes and that complete. */
class CompletionTest {
  @TempDir Path tmp;

  Result completion(String shell) throws IOException {
    Result r = new CliRunner(Files.createDirectories(tmp.resolve("home"))).runExactly("completion", shell);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("", r.err(), r.toString());
    return r;
  }

  Path script(String shell) throws IOException {
    return Files.writeString(tmp.resolve("p3backup." + shell), completion(shell).out());
  }

  static boolean has(String command) {
    try {
      return new ProcessBuilder(command, "-c", "true").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs a shell on a script; returns what it printed (stdout and stderr) after checking exit 0. */
  static String shell(String shell, String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(args).isEmpty() ? List.of(shell) : concat(shell, args))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), shell + " did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all;
  }

  /** What bash's completion offers for a command line (the last word being completed). */
  static String bashCompletes(Path script, String line) throws IOException, InterruptedException {
    String[] words = line.split(" ", -1);
    StringBuilder w = new StringBuilder();
    for (String word : words) {
      w.append(" '").append(word).append('\'');
    }
    return shell("bash", "-c", "source '" + script + "'; COMP_LINE='" + line + "'; COMP_POINT="
        + line.length() + "; COMP_WORDS=(" + w + "); COMP_CWORD=" + (words.length - 1)
        + "; _complete_p3backup 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
  }

  @Test
  void bashScriptIsValidAndCompletesSubcommandsAndOptions() throws Exception {
    assumeTrue(has("bash"), "no bash here");
    Path script = script("bash");
    shell("bash", "-n", script.toString());
    List<String> all = bashCompletes(script, "p3backup ").lines().toList();
    for (String c : List.of("backup", "sync", "restore", "verify", "snapshots", "buckets", "completion")) {
      assertTrue(all.contains(c), c + " in " + all);
    }
    assertEquals(List.of("restore"), bashCompletes(script, "p3backup re").lines().toList());
    assertEquals(List.of("--overwrite"), bashCompletes(script, "p3backup restore --ov").lines().toList());
    assertTrue(bashCompletes(script, "p3backup backup --dr").lines().toList().contains("--dry-run"));
  }

  @Test
  void zshGetsTheScriptThatServesBothShells() throws Exception {
    String zsh = completion("zsh").out();
    assertEquals(completion("bash").out(), zsh);
    assertTrue(zsh.contains("ZSH_VERSION") && zsh.contains("bashcompinit"), "loads zsh's bash layer");
    assumeTrue(has("zsh"), "no zsh here: the script is checked as bash's");
    Path script = script("zsh");
    shell("zsh", "-n", script.toString());
    String loaded = shell("zsh", "-c", "source '" + script + "' && whence -w _complete_p3backup");
    assertTrue(loaded.strip().endsWith("_complete_p3backup: function"), "zsh takes it: " + loaded);
  }

  @Test
  void fishScriptCompletesSubcommandsAndTheirOptions() throws Exception {
    String text = completion("fish").out();
    for (String line : text.lines().toList()) {
      assertTrue(line.startsWith("#") || line.startsWith("complete -c p3backup "), line);
    }
    assertTrue(text.contains("-n __fish_use_subcommand -a 'restore'"), text);
    assertTrue(text.contains("-n '__fish_seen_subcommand_from restore' -l overwrite"), text);
    assertTrue(text.contains("-n '__fish_seen_subcommand_from backup sync' -l dry-run"), text);
    assumeTrue(has("fish"), "no fish here: the structure above is all that is checked");
    Path script = Files.writeString(tmp.resolve("p3backup.fish"), text);
    shell("fish", "--no-execute", script.toString());
    String sub = shell("fish", "-c", "source '" + script + "'; complete -C 'p3backup re'");
    assertTrue(sub.lines().anyMatch(l -> l.startsWith("restore\t")), sub);
    String opt = shell("fish", "-c", "source '" + script + "'; complete -C 'p3backup restore --ov'");
    assertTrue(opt.lines().anyMatch(l -> l.startsWith("--overwrite")), opt);
    String none = shell("fish", "-c", "source '" + script + "'; complete -C 'p3backup backup --ov'");
    assertTrue(none.lines().noneMatch(l -> l.startsWith("--overwrite")), "restore's option only: " + none);
  }

  @Test
  void unknownShellIsBadInput() throws IOException {
    Result r = new CliRunner(Files.createDirectories(tmp.resolve("home"))).runExactly("completion", "tcsh");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("p3backup: "), r.err());
  }
}
