package p3backup.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the user asked for on the command line, plus the environment and home directory to read
 * the AWS CLI configuration from (given, not read from the process, so that runs are testable).
 *
 * @param profile --profile, or null
 * @param region --region, or null
 * @param endpoint --endpoint-url, or null
 * @param env the environment variables
 * @param home the user's home directory (for ~/.aws)
 * @param connections how many connections to keep open to the server
 */
public record S3Settings(
    String profile, String region, URI endpoint, Map<String, String> env, Path home,
    int connections) {}
