package p3backup.scan;

import java.nio.file.Path;
import p3backup.paths.EntryType;

/**
 * One entry of the scanned tree: its slash path relative to the root, what it is, and its stat.
 * {@code emptyDir} marks a directory with nothing in it that is backed up; {@code linkTarget}
 * is set for links.
 */
public record LocalEntry(
    String path, EntryType type, Path file, FileStat stat, String linkTarget, boolean emptyDir) {}
