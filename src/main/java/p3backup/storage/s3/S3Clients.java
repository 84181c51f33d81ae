package p3backup.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import p3backup.storage.RetryListener;
import p3backup.storage.StorageException;
import p3backup.storage.StorageException.Kind;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the one {@link S3Client} of a run from the AWS CLI's configuration ({@link
 * AwsConfig}): credentials, region, endpoint (path-style for a given one, virtual-hosted on
 * AWS), cross-region access, proxy, CA bundle, retries, and the HTTP client (the JDK's
 * URL connections, which keep connections alive for every worker to reuse).
 */
final class S3Clients {
  /** As patient as before the SDK: ten attempts, backing off up to 20 s between them. */
  static final int ATTEMPTS = 10;
  private static final Duration BASE_DELAY = Duration.ofMillis(100);
  private static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(500);
  private static final Duration MAX_DELAY = Duration.ofSeconds(20);
  /** Bodies from this size on ask the server first (Expect: 100-continue); smaller ones just go. */
  static final long EXPECT_CONTINUE_FROM = 1 << 20;

  private S3Clients() {}

  /** A client and what its users need to know of it. */
  record Built(S3Client client, String region, URI endpoint, String endpointText, StageProfile profile) {}

  static Built build(S3Settings settings, RetryListener retries) {
    AwsConfig config = new AwsConfig(settings);
    if (config.profileMissing()) {
      throw new StorageException(Kind.CREDENTIALS, "the profile \"" + config.profileName()
          + "\" is not in the AWS configuration: run `aws configure --profile "
          + config.profileName() + "` or choose another --profile", null);
    }
    AwsCredentialsProvider credentials;
    try {
      credentials = config.credentials();
      credentials.resolveCredentials();
    } catch (RuntimeException e) {
      throw S3Errors.noCredentials(config, e);
    }
    String region = config.region();
    URI endpoint = config.endpoint().orElse(null);
    String endpointText = endpoint == null ? "S3 in " + region : endpoint.toString();
    // The JDK keeps at most http.maxConnections idle connections per host (5 unless
    // raised): one per worker, so that every request finds one. Set at run time so that it
    // holds in a native image too.
    String max = System.getProperty("http.maxConnections");
    if (max == null || Integer.parseInt(max) < settings.connections()) {
      System.setProperty("http.maxConnections", Integer.toString(settings.connections()));
    }
    String scheme = endpoint == null ? "https" : endpoint.getScheme();
    UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(120))
        .proxyConfiguration(proxy(config, scheme));
    Optional<Path> bundle = config.caBundle();
    if (bundle.isPresent()) {
      TrustManager[] trust = trustManagers(bundle.get());
      http.tlsTrustManagersProvider(() -> trust);
    }
    AtomicBoolean answered = new AtomicBoolean();
    Exchanges exchanges = new Exchanges(answered, retries);
    StageProfile profile = StageProfile.from(settings.env());
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(http)
        .region(Region.of(region))
        .credentialsProvider(credentials)
        // A bucket in another region than the configured one is found (S3 says where it is);
        // a server given by its URL has no regions to look in.
        .crossRegionAccessEnabled(endpoint == null)
        .disableS3ExpressSessionAuth(true)
        // Checksums only where S3 requires one; uploads carry our own SHA-256 (whole objects)
        // or CRC32C (parts), computed once while reading the file, which the server checks.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        // DeleteObjects requires a checksum; servers such as S3Proxy accept only Content-MD5.
        // (Its interceptor costs nothing measurable on the other requests.)
        .addPlugin(LegacyMd5Plugin.create())
        // The SDK's endpoint and auth-scheme rules as they are, worked out for every request:
        // remembering their answers per bucket (commit 64d5183 until this change) saved nothing on
        // the JVM and cost the native executable some 115 us a request (the lookup key, a
        // record, is hashed and compared through method handles there).
        .putAuthScheme(new UnsignedPayloadOverHttp(profile))
        .serviceConfiguration(s -> s.chunkedEncodingEnabled(false)
            .expectContinueEnabled(true).expectContinueThresholdInBytes(EXPECT_CONTINUE_FROM))
        .overrideConfiguration(o -> {
          o.defaultProfileFile(config.profileFile())
              .defaultProfileName(config.profileName())
              .addExecutionInterceptor(exchanges)
              .retryStrategy(retryStrategy(endpoint != null, answered, exchanges));
          if (profile.on()) {
            o.addExecutionInterceptor(profile); // last: after the SDK's own at every hook
          }
        });
    if (endpoint != null) {
      builder.endpointOverride(endpoint).forcePathStyle(true);
    }
    return new Built(builder.build(), region, endpoint, endpointText, profile);
  }

  /**
   * What the client does around each exchange: notes that the server answered (see {@link
   * #retryStrategy}), counts the attempts of each request (so that the retry listener can say
   * which one follows), and keeps {@code Expect: 100-continue} for large bodies only. The SDK
   * asks it for every upload when cross-region access is on (so that a redirect costs no body);
   * for a small body the round trip it costs is more than sending the body twice.
   */
  private static final class Exchanges implements ExecutionInterceptor {
    private static final ExecutionAttribute<int[]> ATTEMPTS_MADE = new ExecutionAttribute<>("p3backup.attempts");
    private final AtomicBoolean answered;
    private final RetryListener retries;
    /** The attempt under way on this thread (the client is synchronous: one request a thread). */
    private final ThreadLocal<int[]> current = new ThreadLocal<>();

    Exchanges(AtomicBoolean answered, RetryListener retries) {
      this.answered = answered;
      this.retries = retries;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      int[] made = new int[1];
      attributes.putAttribute(ATTEMPTS_MADE, made);
      current.set(made);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      int[] made = attributes.getAttribute(ATTEMPTS_MADE);
      if (made != null) {
        made[0]++;
        current.set(made);
      }
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      SdkHttpRequest request = context.httpRequest();
      if (request.firstMatchingHeader("Expect").isPresent()) {
        long length = request.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
        if (length >= 0 && length < EXPECT_CONTINUE_FROM) {
          return request.toBuilder().removeHeader("Expect").build();
        }
      }
      return request;
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      answered.set(true);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      int[] made = attributes.getAttribute(ATTEMPTS_MADE);
      if (made != null && made[0] > 1) {
        retries.recovered();
      }
    }

    /** A failed attempt is to be retried: says so, unless it was the last one. */
    void retrying(Throwable failure) {
      int[] made = current.get();
      int attempt = made == null ? 1 : Math.max(1, made[0]);
      if (attempt < ATTEMPTS) {
        String cause = RetryListener.cause(failure);
        if (failure instanceof SdkServiceException se) {
          String code = S3Errors.code(se);
          cause = code != null ? code : "HTTP " + se.statusCode();
        }
        retries.retrying(cause, attempt + 1, ATTEMPTS);
      }
    }
  }

  /**
   * The SDK's standard strategy, with our rules for what is worth another try ({@link
   * S3Errors#retryable}). A server given with --endpoint-url that refuses connections before
   * it ever answered is a mistake to report at once, not a fault to retry for half a minute.
   * Each retry is told to the run's retry listener (through {@code exchanges}).
   */
  static RetryStrategy retryStrategy(boolean givenEndpoint, AtomicBoolean answered, Exchanges exchanges) {
    return DefaultRetryStrategy.standardStrategyBuilder()
        .useClientDefaults(false)
        .circuitBreakerEnabled(false)
        .maxAttempts(ATTEMPTS)
        .backoffStrategy(BackoffStrategy.exponentialDelayHalfJitter(BASE_DELAY, MAX_DELAY))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelayHalfJitter(THROTTLED_BASE_DELAY, MAX_DELAY))
        .treatAsThrottling(S3Errors::throttled)
        .retryOnException(t -> {
          boolean again = S3Errors.retryable(t, givenEndpoint && !answered.get());
          if (again) {
            exchanges.retrying(t);
          }
          return again;
        })
        .build();
  }

  private static ProxyConfiguration proxy(AwsConfig config, String scheme) {
    ProxyConfiguration.Builder proxy = ProxyConfiguration.builder()
        .useSystemPropertyValues(false).useEnvironmentVariablesValues(false);
    config.proxy(scheme).ifPresent(p -> {
      proxy.endpoint(URI.create(p.uri().getScheme() + "://" + p.uri().getHost()
          + (p.uri().getPort() > 0 ? ":" + p.uri().getPort() : "")));
      String userInfo = p.uri().getRawUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        proxy.username(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
        if (colon >= 0) {
          proxy.password(decode(userInfo.substring(colon + 1)));
        }
      }
      proxy.nonProxyHosts(new HashSet<>(p.bypass()));
    });
    return proxy.build();
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Trust managers that trust exactly the certificates of a PEM bundle, as the AWS CLI does. */
  static TrustManager[] trustManagers(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new GeneralSecurityException("no certificate in it");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new StorageException(Kind.CLIENT, "cannot read the CA bundle " + pem + " (" + e.getMessage()
          + "): check AWS_CA_BUNDLE or ca_bundle in the profile (a PEM file of certificates)", e);
    }
  }
}
