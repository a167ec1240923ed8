package io.hookgate.ingress.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import io.hookgate.config.AuthConfig;
import io.hookgate.config.ConfigException;
import io.hookgate.config.SecretRef;
import io.hookgate.testing.LogCapture;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each scheme against published test vectors (GitHub's docs, the Standard Webhooks spec) rather than values
 * computed by the code under test, plus the fail-closed rule. End-to-end behaviour over HTTP is in
 * {@code io.hookgate.ingress.AuthenticationIngressTest}.
 */
class AuthenticatorsTest {
  // GitHub Docs, "Validating webhook deliveries", test values.
  private static final String GITHUB_SECRET = "It's a Secret to Everybody";
  private static final String GITHUB_PAYLOAD = "Hello, World!";
  private static final String GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  // Standard Webhooks spec test vector (shared by its reference libraries).
  private static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SW_TIMESTAMP = 1614265330L;
  private static final String SW_PAYLOAD = "{\"test\": 2432232314}";
  private static final String SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static AuthConfig auth(String type, String header, String prefix, String... secrets) {
    return new AuthConfig(type, header, prefix, null,
        java.util.Arrays.stream(secrets).map(SecretRef::ofValue).toList(), null);
  }

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  // --- HMAC (GitHub style) -------------------------------------------------------------------

  @Test
  void githubsPublishedTestVectorIsAccepted() {
    Authenticator a = Authenticators.create("gh", auth("hmac", null, null, GITHUB_SECRET), Map.of());
    assertThat(a.needsBody()).isTrue();
    assertThat(a.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.OK);
    // Header names are case-insensitive, and so is the hex.
    assertThat(a.verify(headers("x-hub-signature-256", GITHUB_SIGNATURE.toUpperCase().replace("SHA256=", "sha256=")),
        Buffer.buffer(GITHUB_PAYLOAD), 0)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void namingGithubsHeaderWithoutAPrefixStillExpectsSha256Prefix() {
    Authenticator a = Authenticators.create("gh", auth("hmac", "X-Hub-Signature-256", null, GITHUB_SECRET), Map.of());
    assertThat(a.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.OK);
  }

  @Test
  void anotherHeaderWithoutPrefixTakesTheBareSignature() {
    Authenticator a = Authenticators.create("acme", auth("hmac", "X-Acme-Signature", null, GITHUB_SECRET), Map.of());
    String bare = GITHUB_SIGNATURE.substring("sha256=".length());
    assertThat(a.verify(headers("X-Acme-Signature", bare), Buffer.buffer(GITHUB_PAYLOAD), 0)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(headers("X-Acme-Signature", GITHUB_SIGNATURE), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.INVALID);
  }

  @Test
  void hmacRefusesAWrongSecretABodyChangeAWrongPrefixAndAMissingHeader() {
    Authenticator wrongSecret = Authenticators.create("gh", auth("hmac", null, null, "another secret"), Map.of());
    assertThat(wrongSecret.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.INVALID);

    Authenticator a = Authenticators.create("gh", auth("hmac", null, null, GITHUB_SECRET), Map.of());
    assertThat(a.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), Buffer.buffer("Hello, World?"), 0))
        .isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE.replace("sha256=", "sha1=")),
        Buffer.buffer(GITHUB_PAYLOAD), 0)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("X-Hub-Signature-256", "sha256=not-hex"), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers(), Buffer.buffer(GITHUB_PAYLOAD), 0)).isEqualTo(AuthOutcome.MISSING);
  }

  @Test
  void hmacAcceptsEitherOfTwoSecretsDuringARotation() {
    Authenticator a = Authenticators.create("gh", auth("hmac", null, null, "the new secret", GITHUB_SECRET), Map.of());
    assertThat(a.verify(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), Buffer.buffer(GITHUB_PAYLOAD), 0))
        .isEqualTo(AuthOutcome.OK);
  }

  // --- Standard Webhooks ---------------------------------------------------------------------

  @Test
  void theSpecsTestVectorIsAccepted() {
    Authenticator a = Authenticators.create("sw", auth("standard-webhooks", null, null, SW_SECRET), Map.of());
    MultiMap h = headers("webhook-id", SW_ID, "webhook-timestamp", Long.toString(SW_TIMESTAMP), "webhook-signature",
        SW_SIGNATURE);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void theReferenceLibraryProducesTheSpecsVectorSoItIsAFairIndependentSigner() throws Exception {
    assertThat(new Webhook(SW_SECRET).sign(SW_ID, SW_TIMESTAMP, SW_PAYLOAD)).isEqualTo(SW_SIGNATURE);
  }

  @Test
  void aTimestampOutsideTheToleranceIsStaleInThePastAndInTheFuture() {
    Authenticator a = Authenticators.create("sw", auth("standard-webhooks", null, null, SW_SECRET), Map.of());
    MultiMap h = headers("webhook-id", SW_ID, "webhook-timestamp", Long.toString(SW_TIMESTAMP), "webhook-signature",
        SW_SIGNATURE);
    long fiveMinutes = Duration.ofMinutes(5).toSeconds();
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP + fiveMinutes)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP - fiveMinutes)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP + fiveMinutes + 1)).isEqualTo(AuthOutcome.STALE);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP - fiveMinutes - 1)).isEqualTo(AuthOutcome.STALE);
  }

  @Test
  void theToleranceIsConfigurable() {
    AuthConfig oneMinute = new AuthConfig("standard-webhooks", null, null, null,
        List.of(SecretRef.ofValue(SW_SECRET)), Duration.ofMinutes(1));
    Authenticator a = Authenticators.create("sw", oneMinute, Map.of());
    MultiMap h = headers("webhook-id", SW_ID, "webhook-timestamp", Long.toString(SW_TIMESTAMP), "webhook-signature",
        SW_SIGNATURE);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP + 60)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP + 61)).isEqualTo(AuthOutcome.STALE);
  }

  @Test
  void anyMatchingV1EntryOfSeveralIsEnoughAndOtherVersionsAreSkipped() {
    Authenticator a = Authenticators.create("sw", auth("standard-webhooks", null, null, SW_SECRET), Map.of());
    String several = "v1a,bm90LWVkMjU1MTk= v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + SW_SIGNATURE + " v1,%%%";
    MultiMap h = headers("webhook-id", SW_ID, "webhook-timestamp", Long.toString(SW_TIMESTAMP), "webhook-signature",
        several);
    assertThat(a.verify(h, Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void aSignatureOverAnotherIdTimestampOrBodyIsInvalid() {
    Authenticator a = Authenticators.create("sw", auth("standard-webhooks", null, null, SW_SECRET), Map.of());
    String ts = Long.toString(SW_TIMESTAMP);
    assertThat(a.verify(headers("webhook-id", "msg_other", "webhook-timestamp", ts, "webhook-signature", SW_SIGNATURE),
        Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(
        headers("webhook-id", SW_ID, "webhook-timestamp", Long.toString(SW_TIMESTAMP + 1), "webhook-signature",
            SW_SIGNATURE),
        Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("webhook-id", SW_ID, "webhook-timestamp", ts, "webhook-signature", SW_SIGNATURE),
        Buffer.buffer("{\"test\":2432232314}"), SW_TIMESTAMP)).isEqualTo(AuthOutcome.INVALID);
    assertThat(
        a.verify(headers("webhook-id", SW_ID, "webhook-timestamp", "yesterday", "webhook-signature", SW_SIGNATURE),
            Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP))
        .isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("webhook-id", SW_ID, "webhook-timestamp", ts), Buffer.buffer(SW_PAYLOAD), SW_TIMESTAMP))
        .isEqualTo(AuthOutcome.MISSING);
    assertThat(a.verify(headers("webhook-timestamp", ts, "webhook-signature", SW_SIGNATURE), Buffer.buffer(SW_PAYLOAD),
        SW_TIMESTAMP))
        .isEqualTo(AuthOutcome.MISSING);
  }

  @Test
  void aStandardWebhooksSecretThatIsNotBase64StopsStartUpWithoutPrintingIt() {
    assertThatThrownBy(() -> Authenticators.create("sw",
        auth("standard-webhooks", null, null, "whsec_this is not base64!"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sources.sw.auth.secrets")
        .hasMessageNotContaining("this is not base64");
  }

  // --- static header -------------------------------------------------------------------------

  @Test
  void aStaticTokenMustMatchExactlyOneOfTheSecrets() {
    Authenticator a = Authenticators.create("kili", auth("header", "Authorization", null, "new-token", "old-token"),
        Map.of());
    assertThat(a.needsBody()).isFalse();
    assertThat(a.verify(headers("authorization", "new-token"), null, 0)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(headers("Authorization", "old-token"), null, 0)).isEqualTo(AuthOutcome.OK);
    assertThat(a.verify(headers("Authorization", "new-token "), null, 0)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("Authorization", "NEW-TOKEN"), null, 0)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("Authorization", "new-tok"), null, 0)).isEqualTo(AuthOutcome.INVALID);
    assertThat(a.verify(headers("X-Other", "new-token"), null, 0)).isEqualTo(AuthOutcome.MISSING);
  }

  @Test
  void aStaticTokenDefaultsToTheAuthorizationHeader() {
    Authenticator a = Authenticators.create("kili", auth("header", null, null, "token"), Map.of());
    assertThat(a.verify(headers("Authorization", "token"), null, 0)).isEqualTo(AuthOutcome.OK);
  }

  // --- fail closed ---------------------------------------------------------------------------

  @Test
  void aSourceWhoseSecretsAreNotSetRefusesEverythingAndWarnsWithoutValues() {
    AuthConfig fromEnv = new AuthConfig("header", "Authorization", null, null,
        List.of(SecretRef.ofEnv("KILI_WEBHOOK_SECRET"), SecretRef.ofEnv("KILI_WEBHOOK_SECRET_PREVIOUS")), null);
    try (LogCapture logs = new LogCapture()) {
      Authenticator a = Authenticators.create("kili", fromEnv, Map.of("KILI_WEBHOOK_SECRET", ""));
      assertThat(a.verify(headers("Authorization", ""), null, 0)).isEqualTo(AuthOutcome.NOT_CONFIGURED);
      assertThat(a.verify(headers(), null, 0)).isEqualTo(AuthOutcome.NOT_CONFIGURED);
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
          .startsWith("WARN").contains("'kili'").contains("401").contains("env:KILI_WEBHOOK_SECRET"));
    }
  }

  @Test
  void oneOfTwoSecretsSetIsEnoughToServe() {
    AuthConfig fromEnv = new AuthConfig("header", "Authorization", null, null,
        List.of(SecretRef.ofEnv("KILI_WEBHOOK_SECRET"), SecretRef.ofEnv("KILI_WEBHOOK_SECRET_PREVIOUS")), null);
    Authenticator a = Authenticators.create("kili", fromEnv, Map.of("KILI_WEBHOOK_SECRET", "current"));
    assertThat(a.verify(headers("Authorization", "current"), null, 0)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void onlyAnExplicitNoneAcceptsWithoutCredentials() {
    Authenticator a = Authenticators.create("open", new AuthConfig("none", null, null, null, List.of(), null),
        Map.of());
    assertThat(a.verify(headers(), Buffer.buffer("{}"), 0)).isEqualTo(AuthOutcome.OK);
  }
}
