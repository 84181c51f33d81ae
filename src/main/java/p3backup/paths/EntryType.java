package p3backup.paths;

/** What a path in a backed-up tree is. The lowercase name is the manifest's spelling. */
public enum EntryType {
  FILE("file"),
  DIR("dir"),
  LINK("link");

  private final String spelling;

  EntryType(String spelling) {
    this.spelling = spelling;
  }

  public String spelling() {
    return spelling;
  }

  public static EntryType parse(String s) {
    for (EntryType t : values()) {
      if (t.spelling.equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown entry type \"" + s + "\"");
  }
}
