package p3backup.storage.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Reads credentials, region and endpoint the way the AWS CLI does: command-line options first,
 * then {@code AWS_*} variables, then the profile in {@code ~/.aws/config} and {@code
 * ~/.aws/credentials} (or the files named by {@code AWS_CONFIG_FILE} and {@code
 * AWS_SHARED_CREDENTIALS_FILE}).
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
    if (v == null || v.isBlank()) {
      return fallback;
    }
    if (v.startsWith("~" + "/") && settings.home() != null) {
      return settings.home().resolve(v.substring(2));
    }
    return Path.of(v);
  }

  Optional<Profile> profile() {
    return profileFile.profile(profileName);
  }

  /** True when a profile was asked for (option or variable) but is in neither file. */
  boolean profileMissing() {
    return profileExplicit && profile().isEmpty();
  }

  String region() {
    if (settings.region() != null) {
      return settings.region();
    }
    String r = firstNonBlank(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    if (r != null) {
      return r;
    }
    return profile().flatMap(p -> p.property("region")).orElse(DEFAULT_REGION);
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

  /**
   * The credentials chain: variables (unless a profile was named with --profile), the profile,
   * then the container and instance-metadata services where the environment allows them.
   */
  AwsCredentialsProvider credentials() {
    AwsCredentialsProviderChain.Builder chain =
        AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true);
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (settings.profile() == null && notBlank(id) && notBlank(secret)) {
      String token = env.get("AWS_SESSION_TOKEN");
      chain.addCredentialsProvider(StaticCredentialsProvider.create(notBlank(token)
          ? AwsSessionCredentials.create(id, secret, token)
          : AwsBasicCredentials.create(id, secret)));
    }
    if (profile().isPresent()) {
      chain.addCredentialsProvider(ProfileCredentialsProvider.builder()
          .profileFile(profileFile).profileName(profileName).build());
    }
    if (notBlank(env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        || notBlank(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))) {
      chain.addCredentialsProvider(ContainerCredentialsProvider.create());
    }
    if (settings.profile() == null && !"true".equalsIgnoreCase(env.get("AWS_EC2_METADATA_DISABLED"))) {
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
