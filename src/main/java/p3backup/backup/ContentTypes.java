package p3backup.backup;

import java.util.Locale;
import java.util.Map;

/** The Content-Type an object gets, from its name's extension, as S3 tools commonly set it. */
final class ContentTypes {
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"),
      Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
      Map.entry("csv", "text/csv"), Map.entry("xml", "application/xml"),
      Map.entry("js", "text/javascript"), Map.entry("json", "application/json"),
      Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
      Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
      Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("webp", "image/webp"),
      Map.entry("mp3", "audio/mpeg"), Map.entry("mp4", "video/mp4"), Map.entry("mov", "video/quicktime"),
      Map.entry("wav", "audio/wav"));

  private ContentTypes() {}

  static String of(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash + 1 || dot == path.length() - 1) {
      return "application/octet-stream";
    }
    return BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT),
        "application/octet-stream");
  }
}
