package p3backup.storage.s3;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeParams;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The SDK's S3 endpoint rules and auth-scheme rules, remembered per bucket and operation: a
 * backup is thousands of requests to one bucket, and the rules give the same answer for
 * every object in it (the object's key only ends up in the request's path; AddressingTest and
 * ResolutionsTest hold the rules to that). An answer that names the key is not remembered.
 */
final class Resolutions {
  /** A run talks to a bucket or two; past this many answers something else goes on. */
  private static final int LIMIT = 256;

  private Resolutions() {}

  /** What the answer may depend on: every parameter but the object's key and its kin. */
  private record Question(String operation, Object region, String bucket, Boolean fips, Boolean dualStack,
      String endpoint, Boolean pathStyle, Boolean accelerate, Boolean globalEndpoint, Boolean objectLambda,
      Boolean noAccessPoints, Boolean noMultiRegion, Boolean arnRegion, Boolean expressControl,
      Boolean noExpressAuth, boolean keyed) {}

  static S3EndpointProvider endpoints(S3EndpointProvider rules) {
    Memo<S3EndpointParams, CompletableFuture<Endpoint>> memo = new Memo<>(p -> new Question(null,
        p.region(), p.bucket(), p.useFips(), p.useDualStack(), p.endpoint(), p.forcePathStyle(),
        p.accelerate(), p.useGlobalEndpoint(), p.useObjectLambdaEndpoint(), p.disableAccessPoints(),
        p.disableMultiRegionAccessPoints(), p.useArnRegion(), p.useS3ExpressControlEndpoint(),
        p.disableS3ExpressSessionAuth(), p.key() != null || p.prefix() != null || p.copySource() != null),
        rules::resolveEndpoint, (p, e) -> e.isDone() && !e.isCompletedExceptionally()
            && !names(e.join().url().toString(), p.key()));
    return memo::get;
  }

  static S3AuthSchemeProvider authSchemes(S3AuthSchemeProvider rules) {
    Memo<S3AuthSchemeParams, List<AuthSchemeOption>> memo = new Memo<>(p -> new Question(p.operation(),
        p.region(), p.bucket(), p.useFips(), p.useDualStack(), p.endpoint(), p.forcePathStyle(),
        p.accelerate(), p.useGlobalEndpoint(), p.useObjectLambdaEndpoint(), p.disableAccessPoints(),
        p.disableMultiRegionAccessPoints(), p.useArnRegion(), p.useS3ExpressControlEndpoint(),
        p.disableS3ExpressSessionAuth(), p.key() != null || p.prefix() != null || p.copySource() != null),
        rules::resolveAuthScheme, (p, options) -> p.regionSet() == null && p.deleteObjectKeys() == null);
    return memo::get;
  }

  private static boolean names(String url, String key) {
    return key != null && !key.isEmpty() && url.contains(key);
  }

  /** Answers by question, asking the rules only for questions not seen before. */
  private static final class Memo<P, A> {
    private final Function<P, Question> question;
    private final Function<P, A> rules;
    private final java.util.function.BiPredicate<P, A> keep;
    private final Map<Question, A> answers = new ConcurrentHashMap<>();

    Memo(Function<P, Question> question, Function<P, A> rules, java.util.function.BiPredicate<P, A> keep) {
      this.question = question;
      this.rules = rules;
      this.keep = keep;
    }

    A get(P params) {
      Question q = question.apply(params);
      A known = answers.get(q);
      if (known != null) {
        return known;
      }
      A answer = rules.apply(params);
      if (keep.test(params, answer)) {
        if (answers.size() >= LIMIT) {
          answers.clear();
        }
        answers.put(q, answer);
      }
      return answer;
    }
  }
}
