package p3backup.storage.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;

/**
 * The AWS CLI's configuration as p3backup reads it: command-line options first, then the
 * {@code AWS_*} variables, then the profile in {@code ~/.aws/config} and {@code
 * ~/.aws/credentials} (or the files named by {@code AWS_CONFIG_FILE} and {@code
 * AWS_SHARED_CREDENTIALS_FILE}).
 *
 * <p>The environment is the one given in {@link S3Settings} (the process's own in a real run,
 * a test's map in tests), and everything here reads it from there: the profile files and the
 * profile's name, region, endpoint, CA bundle, proxy, keys in variables, the web identity
 * variables. The SDK's providers do the rest from the {@link ProfileFile} built here:
 * static keys, {@code credential_process}, {@code role_arn} with {@code source_profile} or
 * {@code credential_source}, {@code web_identity_token_file}, {@code sso_session} /
 * {@code sso_start_url}. What the SDK reads from the process environment itself, whatever
 * the given one says: the container and instance-metadata services' addresses and tokens,
 * {@code credential_source = Environment}, and the service endpoints ({@code
 * AWS_ENDPOINT_URL_STS}, ...) of the STS and SSO clients it builds for assumed roles and IAM
 * Identity Center.
 */
final class AwsConfig {
  static final String DEFAULT_REGION = "us-east-1";

  private final S3Settings settings;
  private final Map<String, String> env;
  private final String profileName;
  private final boolean profileExplicit;
  private final ProfileFile profileFile;

  AwsConfig(S3Settings settings) {
    this.settings = settings;
    this.env = settings.env();
    String fromEnv = firstNonBlank(env.get("AWS_PROFILE"), env.get("AWS_DEFAULT_PROFILE"));
    this.profileExplicit = settings.profile() != null || fromEnv != null;
    this.profileName = settings.profile() != null ? settings.profile()
        : fromEnv != null ? fromEnv : "default";
    this.profileFile = loadProfiles();
  }

  String profileName() {
    return profileName;
  }

  ProfileFile profileFile() {
    return profileFile;
  }

  private ProfileFile loadProfiles() {
    Path aws = settings.home() == null ? null : settings.home().resolve(".aws");
    Path config = pathFromEnv("AWS_CONFIG_FILE", aws == null ? null : aws.resolve("config"));
    Path credentials =
        pathFromEnv("AWS_SHARED_CREDENTIALS_FILE", aws == null ? null : aws.resolve("credentials"));
    ProfileFile.Aggregator all = ProfileFile.aggregator();
    if (credentials != null && Files.isRegularFile(credentials)) {
      all.addFile(ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build());
    }
    if (config != null && Files.isRegularFile(config)) {
      all.addFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build());
    }
    return all.build();
  }

  private Path pathFromEnv(String name, Path fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : expandHome(v.trim());
  }

  private Path expandHome(String path) {
    if (path.startsWith("~" + "/") && settings.home() != null) {
      return settings.home().resolve(path.substring(2));
    }
    return Path.of(path);
  }

  Optional<Profile> profile() {
    return profileFile.profile(profileName);
  }

  /** True when a profile was asked for (option or variable) but is in neither file. */
  boolean profileMissing() {
    return profileExplicit && profile().isEmpty();
  }

  /** --region, then AWS_REGION / AWS_DEFAULT_REGION, then the profile's (SDK), then us-east-1. */
  String region() {
    if (settings.region() != null) {
      return settings.region();
    }
    String r = firstNonBlank(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    if (r != null) {
      return r;
    }
    try {
      return new AwsProfileRegionProvider(() -> profileFile, profileName).getRegion().id();
    } catch (SdkClientException e) {
      return DEFAULT_REGION;
    }
  }

  /** The endpoint to use instead of AWS's, if any. */
  Optional<URI> endpoint() {
    if (settings.endpoint() != null) {
      return Optional.of(settings.endpoint());
    }
    if ("true".equalsIgnoreCase(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
      return Optional.empty();
    }
    String e = firstNonBlank(env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
    if (e == null) {
      e = profile().flatMap(p -> p.property("endpoint_url")).orElse(null);
    }
    return e == null ? Optional.empty() : Optional.of(URI.create(e.trim()));
  }

  /** The PEM file of certificate authorities to trust instead of the system's, if any. */
  Optional<Path> caBundle() {
    String v = firstNonBlank(env.get("AWS_CA_BUNDLE"), profile().flatMap(p -> p.property("ca_bundle")).orElse(null));
    return v == null ? Optional.empty() : Optional.of(expandHome(v));
  }

  /**
   * The proxy for connections of the given scheme, as the AWS CLI picks it: {@code
   * https_proxy} / {@code HTTPS_PROXY} for https, {@code http_proxy} / {@code HTTP_PROXY} for
   * http (the lower-case form first), except for the hosts {@code no_proxy} / {@code NO_PROXY}
   * names.
   */
  Optional<Proxy> proxy(String scheme) {
    String name = "https".equalsIgnoreCase(scheme) ? "https_proxy" : "http_proxy";
    String url = firstNonBlank(env.get(name), env.get(name.toUpperCase(Locale.ROOT)));
    if (url == null) {
      return Optional.empty();
    }
    URI uri = URI.create(url.contains("://") ? url : "http://" + url);
    String noProxy = firstNonBlank(env.get("no_proxy"), env.get("NO_PROXY"));
    return Optional.of(new Proxy(uri, noProxy == null ? List.of() : nonProxyHostPatterns(noProxy)));
  }

  /** A proxy, and the host-name patterns (regular expressions) that bypass it. */
  record Proxy(URI uri, List<String> bypass) {}

  /**
   * {@code NO_PROXY}'s entries as the regular expressions the HTTP client matches host names
   * against: {@code example.com} and {@code .example.com} cover the domain and every host in
   * it, {@code *} every host; a port after the name is ignored.
   */
  static List<String> nonProxyHostPatterns(String noProxy) {
    List<String> out = new ArrayList<>();
    for (String raw : noProxy.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.equals("*")) {
        out.add(".*");
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon) { // host:port, not an IPv6 address
        entry = entry.substring(0, colon);
      }
      entry = entry.startsWith("*.") ? entry.substring(2) : entry.startsWith(".") ? entry.substring(1) : entry;
      if (entry.startsWith("[") && entry.endsWith("]")) {
        entry = entry.substring(1, entry.length() - 1);
      }
      if (!entry.isEmpty()) {
        out.add("(.*\\.)?" + Pattern.quote(entry));
      }
    }
    return out;
  }

  /** The profile's own credentials provider (the SDK's: every kind of profile the AWS CLI knows). */
  AwsCredentialsProvider profileCredentials() {
    return ProfileCredentialsProvider.builder().profileFile(profileFile).profileName(profileName).build();
  }

  /**
   * The SDK's credential providers in the AWS CLI's order: with --profile only that profile;
   * otherwise keys in the variables, a web identity given by AWS_ROLE_ARN and
   * AWS_WEB_IDENTITY_TOKEN_FILE, the profile, then the container and instance-metadata
   * services where the environment allows them.
   */
  AwsCredentialsProvider credentials() {
    if (settings.profile() != null) {
      return profileCredentials();
    }
    AwsCredentialsProviderChain.Builder chain =
        AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true);
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (notBlank(id) && notBlank(secret)) {
      String token = env.get("AWS_SESSION_TOKEN");
      chain.addCredentialsProvider(StaticCredentialsProvider.create(notBlank(token)
          ? AwsSessionCredentials.create(id.trim(), secret.trim(), token.trim())
          : AwsBasicCredentials.create(id.trim(), secret.trim())));
    }
    String roleArn = env.get("AWS_ROLE_ARN");
    String tokenFile = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
    if (notBlank(roleArn) && notBlank(tokenFile)) {
      chain.addCredentialsProvider(WebIdentityTokenFileCredentialsProvider.builder()
          .roleArn(roleArn.trim()).webIdentityTokenFile(expandHome(tokenFile.trim()))
          .roleSessionName(firstNonBlank(env.get("AWS_ROLE_SESSION_NAME"), "p3backup")).build());
    }
    if (profile().isPresent()) {
      chain.addCredentialsProvider(profileCredentials());
    }
    if (notBlank(env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        || notBlank(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))) {
      chain.addCredentialsProvider(ContainerCredentialsProvider.create());
    }
    if (!"true".equalsIgnoreCase(env.get("AWS_EC2_METADATA_DISABLED"))) {
      chain.addCredentialsProvider(InstanceProfileCredentialsProvider.builder()
          .profileFile(profileFile).profileName(profileName).build());
    }
    return chain.build();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String firstNonBlank(String a, String b) {
    return notBlank(a) ? a.trim() : notBlank(b) ? b.trim() : null;
  }
}
