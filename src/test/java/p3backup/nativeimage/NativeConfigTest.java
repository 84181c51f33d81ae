package p3backup.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import p3backup.json.Json;

/**
 * native-config/ holds the hand-kept native-image configuration (see its README.md). GraalVM
 * only warns about a class it cannot find there, and the executable then fails at run time;
 * these tests make that a build failure, and keep the README explaining every file.
 */
class NativeConfigTest {
  private static final Path DIR = Path.of("native-config");
  private static final Path README = DIR.resolve("README.md");

  /** JSON members whose values are names of members, resources or bundles, not classes. */
  private static final Set<String> NOT_CLASSES = Set.of("fields", "methods", "queriedMethods",
      "resources", "bundles", "globs", "includes", "excludes", "pattern", "module", "locales");

  /** JSON members whose string values (or arrays of strings) are class names. */
  private static final Set<String> CLASS_MEMBERS = Set.of("name", "type", "typeReachable",
      "typeReached", "interfaces", "proxy", "customTargetConstructorClass");

  @Test
  void everyFileIsExplainedInTheReadme() throws IOException {
    assertTrue(Files.isRegularFile(README), README + " is missing");
    List<String> entries = filesSection(Files.readString(README, StandardCharsets.UTF_8));
    List<String> unexplained = new ArrayList<>();
    for (Path file : files()) {
      String relative = DIR.relativize(file).toString().replace('\\', '/');
      if (!file.equals(README)
          && entries.stream().noneMatch(e -> e.startsWith("- `" + relative + "`"))) {
        unexplained.add(relative);
      }
    }
    assertEquals(List.of(), unexplained, "files in native-config/ without a line \"- `NAME`:"
        + " why\" under \"## Files\" in its README.md");
  }

  /** The lines of the README's "## Files" section. */
  static List<String> filesSection(String readme) {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    for (String line : readme.split("\\R")) {
      if (line.startsWith("## ")) {
        inside = line.trim().equals("## Files");
        continue;
      }
      if (inside) {
        lines.add(line.strip());
      }
    }
    assertFalse(lines.isEmpty(), "native-config/README.md has no \"## Files\" section");
    return lines;
  }

  @Test
  void everyClassNamedInTheConfigurationExists() throws IOException {
    ClassLoader loader = NativeConfigTest.class.getClassLoader();
    List<String> problems = new ArrayList<>();
    for (Path file : files()) {
      if (!file.getFileName().toString().endsWith(".json")) {
        continue;
      }
      String relative = DIR.relativize(file).toString().replace('\\', '/');
      Object config;
      try {
        config = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        problems.add(relative + ": not valid JSON: " + e.getMessage());
        continue;
      }
      for (String name : classNames(config, file.getFileName().toString())) {
        try {
          Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          problems.add(relative + ": no class " + name + " on the class path");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void classNamesAreFoundInEveryConfigurationFormat() {
    String reflect = """
        [{"name": "a.B", "condition": {"typeReachable": "a.C"},
          "fields": [{"name": "notAClass"}], "methods": [{"name": "m", "parameterTypes": []}]},
         {"name": "a.D$Inner[]", "allDeclaredMethods": true}]""";
    assertEquals(Set.of("a.B", "a.C", "a.D$Inner"),
        classNames(Json.parse(reflect), "reflect-config.json"));

    String proxy = """
        [["a.I1", "a.I2"], {"interfaces": ["a.I3"], "condition": {"typeReachable": "a.C"}}]""";
    assertEquals(Set.of("a.I1", "a.I2", "a.I3", "a.C"),
        classNames(Json.parse(proxy), "proxy-config.json"));

    String resources = """
        {"resources": {"includes": [{"pattern": "x/y.txt"}]}, "bundles": [{"name": "a.Messages"}]}""";
    assertEquals(Set.of(), classNames(Json.parse(resources), "resource-config.json"));

    String metadata = """
        {"reflection": [{"type": "a.E", "condition": {"typeReached": "a.F"}, "fields": [{"name": "f"}]},
                        {"type": {"proxy": ["a.I4"]}}],
         "resources": [{"glob": "x/**"}], "bundles": [{"name": "a.Bundle"}],
         "jni": [{"type": "a.G"}], "serialization": [{"type": "a.H"}]}""";
    assertEquals(Set.of("a.E", "a.F", "a.I4", "a.G", "a.H"),
        classNames(Json.parse(metadata), "reachability-metadata.json"));
  }

  /**
   * The class names in a native-image configuration file: reflect-, jni-, proxy-, serialization-
   * and resource-config.json, or reachability-metadata.json. Array types yield their element type.
   */
  static Set<String> classNames(Object config, String fileName) {
    Set<String> names = new TreeSet<>();
    if (fileName.startsWith("proxy-config") && config instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof List<?> interfaces) {
          interfaces.forEach(i -> addClassName(names, i));
        }
      }
    }
    collect(config, names);
    return names;
  }

  private static void collect(Object node, Set<String> names) {
    if (node instanceof List<?> list) {
      list.forEach(item -> collect(item, names));
    } else if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object value = e.getValue();
        if (NOT_CLASSES.contains(key)) {
          continue;
        }
        if (CLASS_MEMBERS.contains(key)) {
          if (value instanceof List<?> list) {
            list.forEach(item -> addClassName(names, item));
          } else {
            addClassName(names, value);
          }
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
          collect(value, names);
        }
      }
    }
  }

  private static void addClassName(Set<String> names, Object value) {
    if (value instanceof String s && !s.isEmpty()) {
      String name = s;
      while (name.endsWith("[]")) {
        name = name.substring(0, name.length() - 2);
      }
      names.add(name);
    }
  }

  private static List<Path> files() throws IOException {
    assertTrue(Files.isDirectory(DIR), DIR.toAbsolutePath() + " is missing");
    try (Stream<Path> walk = Files.walk(DIR)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }
}
