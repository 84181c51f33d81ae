package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultCommandArgsTest {
  private static final Set<String> COMMANDS = Set.of("backup", "sync", "restore", "verify");

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(delimiter = '|', value = {
      "''|backup",
      "bucket dir|backup bucket dir",
      "default dir|backup default dir",
      "backup bucket dir|backup bucket dir",
      "backup restore dir|backup restore dir",
      "restore bucket dest|restore bucket dest",
      "--json restore bucket dest|restore --json bucket dest",
      "--profile restore bucket dir|backup --profile restore bucket dir",
      "--endpoint-url=http://x bucket|backup --endpoint-url=http://x bucket",
      "--jobs 4 sync bucket|sync --jobs 4 bucket",
      "--help|--help",
      "--version|--version",
      "bucket --help|backup bucket --help",
      "-q|backup -q",
  })
  void subcommandComesFirstAndBackupIsTheDefault(String in, String out) {
    String[] args = in.isEmpty() ? new String[0] : in.split(" ");
    assertEquals(List.of(out.split(" ")), List.of(DefaultCommandArgs.rewrite(args, COMMANDS)));
  }
}
