package p3backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/** An object being downloaded: its bytes, and what the response said of it. */
public record Download(InputStream stream, long length, Map<String, String> metadata,
    Instant lastModified) implements AutoCloseable {

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
