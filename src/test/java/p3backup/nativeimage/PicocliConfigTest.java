package p3backup.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import p3backup.cli.RootCommand;
import p3backup.json.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

/**
 * The native executable finds our commands by reflection only through the configuration that
 * picocli-codegen (an annotation processor in pom.xml) generates at compile time. These tests
 * check that it was generated and that it covers every command class, so that a command added
 * later and missed by the processor fails here rather than only in a native binary.
 */
class PicocliConfigTest {
  static final String GENERATED_DIR = "META-INF/native-image/picocli-generated/p3backup/p3backup/";
  private static final String CLI_PACKAGE = "p3backup.cli";

  private final ClassLoader loader = PicocliConfigTest.class.getClassLoader();

  @Test
  void generatedConfigurationIsOnTheClassPath() throws IOException {
    for (String name : List.of("reflect-config.json", "resource-config.json", "proxy-config.json")) {
      URL url = loader.getResource(GENERATED_DIR + name);
      assertNotNull(url, GENERATED_DIR + name + " is missing: picocli-codegen must run as an"
          + " annotation processor with -Aproject=p3backup/p3backup (maven-compiler-plugin in pom.xml)");
      Json.parse(read(GENERATED_DIR + name)); // well-formed JSON, or this throws
    }
  }

  @Test
  void everyCommandClassOfTheCliPackageIsRegisteredForReflection() throws Exception {
    Set<String> registered = registeredClasses();
    Set<String> commands = new TreeSet<>();
    for (String className : classesOfPackage(CLI_PACKAGE)) {
      Class<?> c = Class.forName(className, false, loader);
      if (c.isAnnotationPresent(Command.class)) {
        commands.add(c.getName());
      }
    }
    // Guards against a scan that silently finds nothing.
    assertTrue(commands.contains(RootCommand.class.getName()),
        "the scan of " + CLI_PACKAGE + " found no RootCommand: " + commands);
    assertTrue(commands.size() >= 2, "the scan found too few commands: " + commands);

    Set<String> missing = new TreeSet<>(commands);
    missing.removeAll(registered);
    assertEquals(Set.of(), missing, "@Command classes missing from picocli-codegen's "
        + GENERATED_DIR + "reflect-config.json (a clean build regenerates it)");
  }

  @Test
  void everyClassPicocliInstantiatesFromTheCommandTreeIsRegistered() throws Exception {
    Set<String> registered = registeredClasses();
    Set<String> needed = new TreeSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(RootCommand.class));
    Set<Class<?>> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Class<?> c = todo.pop();
      if (!seen.add(c)) {
        continue;
      }
      needed.add(c.getName());
      Command command = c.getAnnotation(Command.class);
      if (command != null) {
        todo.addAll(List.of(command.subcommands()));
        Class<? extends IVersionProvider> versionProvider = command.versionProvider();
        if (!versionProvider.getName().startsWith("picocli.")) {
          needed.add(versionProvider.getName());
        }
      }
      for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (f.isAnnotationPresent(Mixin.class) || f.isAnnotationPresent(ArgGroup.class)) {
            todo.add(f.getType());
          }
        }
      }
    }
    Set<String> missing = new TreeSet<>(needed);
    missing.removeIf(n -> registered.contains(n) || n.startsWith("picocli."));
    assertEquals(Set.of(), missing, "commands, mixins and version providers reachable from "
        + "RootCommand but missing from " + GENERATED_DIR + "reflect-config.json");
  }

  private Set<String> registeredClasses() throws IOException {
    Object config = Json.parse(read(GENERATED_DIR + "reflect-config.json"));
    return NativeConfigTest.classNames(config, "reflect-config.json");
  }

  private String read(String resource) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Binary names of the classes in a package and its subpackages, read from where the main
   * classes are (target/classes or a jar), not from the test classes that share the package.
   */
  private Set<String> classesOfPackage(String pkg) throws IOException, URISyntaxException {
    String dir = pkg.replace('.', '/');
    URL location = RootCommand.class.getProtectionDomain().getCodeSource().getLocation();
    Path root = Path.of(location.toURI());
    if (Files.isDirectory(root)) {
      return classNamesUnder(root.resolve(dir), root);
    }
    try (FileSystem jar = FileSystems.newFileSystem(root, (ClassLoader) null)) {
      Path jarRoot = jar.getPath("/");
      return classNamesUnder(jarRoot.resolve(dir), jarRoot);
    }
  }

  private static Set<String> classNamesUnder(Path dir, Path root) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".class"))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .map(s -> s.substring(s.startsWith("/") ? 1 : 0, s.length() - ".class".length()))
          .filter(s -> !s.endsWith("package-info") && !s.endsWith("module-info"))
          .map(s -> s.replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
