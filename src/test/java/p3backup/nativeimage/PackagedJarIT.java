package p3backup.nativeimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The built jar, which native-image reads: it carries picocli-codegen's configuration as
 * compiled (the class-path test checks that it covers every command), and runs p3backup.Main.
 */
class PackagedJarIT {
  @Test
  void builtJarCarriesTheGeneratedPicocliConfigAndTheMainClass() throws IOException {
    String path = System.getProperty("p3backup.jar");
    assertNotNull(path, "the build passes p3backup.jar to the integration tests");
    try (JarFile jar = new JarFile(path)) {
      assertEquals("p3backup.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      for (String name : new String[] {"reflect-config.json", "resource-config.json", "proxy-config.json"}) {
        String entry = PicocliConfigTest.GENERATED_DIR + name;
        ZipEntry e = jar.getEntry(entry);
        assertNotNull(e, entry + " is in the jar");
        try (InputStream packaged = jar.getInputStream(e);
            InputStream compiled = getClass().getClassLoader().getResourceAsStream(entry)) {
          assertNotNull(compiled, entry + " is on the class path");
          assertArrayEquals(compiled.readAllBytes(), packaged.readAllBytes(), entry + " as compiled");
        }
      }
    }
  }
}
