package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void versionMatchesTheBuild() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(pom.contains("<version>" + Version.VALUE + "</version>"),
        "Version.VALUE must equal the project version in pom.xml");
  }
}
