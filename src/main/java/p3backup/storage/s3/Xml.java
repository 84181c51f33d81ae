package p3backup.storage.s3;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough XML for S3's answers and requests: the text of named elements, and escaping.
 *
 * <p>S3's documents are flat records (a ListBucketResult holds Contents elements, each with a
 * Key, a Size...) whose text never holds a raw '&lt;', so an element is found by its tags
 * alone. Attributes, comments and CDATA do not occur in them and are not handled.
 */
final class Xml {
  private Xml() {}

  /** The inner text (still escaped) of each element named {@code tag}, in order. */
  static List<String> blocks(String xml, String tag) {
    List<String> out = new ArrayList<>();
    String open = "<" + tag;
    String close = "</" + tag + ">";
    int from = 0;
    while (true) {
      int start = xml.indexOf(open, from);
      if (start < 0) {
        return out;
      }
      int after = start + open.length();
      if (after >= xml.length()) {
        return out;
      }
      char c = xml.charAt(after);
      if (c != '>' && c != ' ' && c != '/') {
        from = after; // a longer name sharing the prefix, such as <KeyCount> for <Key>
        continue;
      }
      int gt = xml.indexOf('>', after);
      if (gt < 0) {
        return out;
      }
      if (xml.charAt(gt - 1) == '/') {
        out.add(""); // <Tag/>
        from = gt + 1;
        continue;
      }
      int end = xml.indexOf(close, gt + 1);
      if (end < 0) {
        return out;
      }
      out.add(xml.substring(gt + 1, end));
      from = end + close.length();
    }
  }

  /** The unescaped text of the first element named {@code tag}, or null. */
  static String text(String xml, String tag) {
    List<String> b = blocks(xml, tag);
    return b.isEmpty() ? null : unescape(b.get(0));
  }

  /** Replaces the five named entities and numeric character references. */
  static String unescape(String s) {
    int amp = s.indexOf('&');
    if (amp < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (amp >= 0) {
      b.append(s, i, amp);
      int semi = s.indexOf(';', amp);
      if (semi < 0) {
        break;
      }
      String name = s.substring(amp + 1, semi);
      switch (name) {
        case "amp" -> b.append('&');
        case "lt" -> b.append('<');
        case "gt" -> b.append('>');
        case "quot" -> b.append('"');
        case "apos" -> b.append('\'');
        default -> {
          if (name.startsWith("#x") || name.startsWith("#X")) {
            b.appendCodePoint(Integer.parseInt(name.substring(2), 16));
          } else if (name.startsWith("#")) {
            b.appendCodePoint(Integer.parseInt(name.substring(1)));
          } else {
            b.append(s, amp, semi + 1);
          }
        }
      }
      i = semi + 1;
      amp = s.indexOf('&', i);
    }
    b.append(s, i, s.length());
    return b.toString();
  }

  /** Escapes text for an element's content. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        case '\r' -> b.append("&#13;");
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n') {
            b.append("&#").append((int) c).append(';');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
