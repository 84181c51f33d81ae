package p3backup.storage.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * The SDK's SigV4 scheme and signer, with one choice made as over https: a body is not hashed
 * into the signature (UNSIGNED-PAYLOAD) on an {@code http://} endpoint either. The SDK's signer
 * insists on signing the payload over plain HTTP, which hashes every byte uploaded a second
 * time; the server already checks each body against the SHA-256 or CRC32C it carries. The
 * request is signed by the SDK's own signer as if it went over TLS (the protocol is no part of
 * the signature), and sent as it is. On the default ports 80 and 443 the signer would spell the
 * Host header otherwise, so there the SDK signs the payload as it wants.
 */
final class UnsignedPayloadOverHttp implements AwsV4AuthScheme {
  private final AwsV4AuthScheme sdk = AwsV4AuthScheme.create();
  private final Signer signer;

  UnsignedPayloadOverHttp() {
    this(StageProfile.OFF);
  }

  UnsignedPayloadOverHttp(StageProfile profile) {
    this.signer = new Signer(sdk.signer(), profile);
  }

  @Override
  public String schemeId() {
    return sdk.schemeId();
  }

  @Override
  public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
    return sdk.identityProvider(providers);
  }

  @Override
  public AwsV4HttpSigner signer() {
    return signer;
  }

  private record Signer(AwsV4HttpSigner sdk, StageProfile profile) implements AwsV4HttpSigner {
    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
      profile.point("sign");
      try {
        return signAsOverTls(request);
      } finally {
        profile.point("signed");
      }
    }

    private SignedRequest signAsOverTls(SignRequest<? extends AwsCredentialsIdentity> request) {
      SdkHttpRequest http = request.request();
      if (!"http".equals(http.protocol()) || http.port() == 80 || http.port() == 443
          || request.payload().isEmpty()) {
        return sdk.sign(request);
      }
      SignedRequest signed = sdk.sign(asTls(request, http));
      return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").build()));
    }

    private static <T extends AwsCredentialsIdentity> SignRequest<T> asTls(SignRequest<T> request,
        SdkHttpRequest http) {
      return request.copy(b -> b.request(http.toBuilder().protocol("https").build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(
        AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
      return sdk.signAsync(request);
    }
  }
}
