package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The build writes one man page per command (roff, target/man) from the picocli model. */
class ManPagesIT {
  static Path manDir() {
    String jar = System.getProperty("p3backup.jar");
    assertNotNull(jar, "the build passes p3backup.jar to the integration tests");
    return Path.of(jar).resolveSibling("man");
  }

  @Test
  void everyCommandHasAManPageWithItsOptionsAndExamples() throws IOException {
    CommandLine root = CommandLineFactory.create(new Environment(java.util.Map.of(), null,
        Path.of("."), java.time.Clock.systemUTC(), false), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    Set<String> expected = new TreeSet<>(Set.of("p3backup.1"));
    root.getSubcommands().values().forEach(c -> expected.add("p3backup-" + c.getCommandName() + ".1"));
    Set<String> pages;
    try (Stream<Path> files = Files.list(manDir())) {
      pages = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(expected, pages);
    for (String page : pages) {
      String roff = Files.readString(manDir().resolve(page));
      assertTrue(roff.contains(".TH \"P3BACKUP"), page + " is roff with a title");
      assertTrue(roff.contains("EXAMPLES"), page + " has the help's examples");
    }
    String restore = Files.readString(manDir().resolve("p3backup-restore.1"));
    assertTrue(restore.contains("overwrite"), "options are listed");
    String top = Files.readString(manDir().resolve("p3backup.1"));
    assertTrue(top.contains("EXIT CODES"), "the top page names the exit codes");
  }
}
