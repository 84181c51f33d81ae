package p3backup.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import p3backup.storage.ObjectStore;
import p3backup.storage.RetryListener;
import p3backup.storage.s3.S3ObjectStore;
import p3backup.storage.s3.S3Settings;

/** The composition root: builds the object store a command talks to. */
final class Wiring {
  private Wiring() {}

  /** Checks the global options that can be checked without a request (exit 2 otherwise). */
  static URI endpoint(GlobalOptions global) {
    if (global.endpointUrl == null) {
      return null;
    }
    try {
      URI uri = new URI(global.endpointUrl.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new URISyntaxException(global.endpointUrl, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UsageException("invalid --endpoint-url \"" + global.endpointUrl
          + "\": give a URL such as http://127.0.0.1:9000 or https://s3.example.com");
    }
  }

  /** The object store, telling {@code retries} (the progress display) of requests sent again. */
  static ObjectStore store(GlobalOptions global, Environment env, int connections,
      RetryListener retries) {
    URI endpoint = endpoint(global);
    return S3ObjectStore.open(new S3Settings(global.profile, global.region, endpoint,
        env.variables(), env.home(), connections), retries);
  }
}
