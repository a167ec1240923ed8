package io.hookgate.ingress.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.hookgate.config.AuthConfig;
import io.hookgate.config.ConfigException;
import io.hookgate.config.SecretRef;
import io.hookgate.config.SignedContent;
import io.hookgate.testing.LogCapture;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code type: timestamped-hmac} ({@code t=...,v1=...}: Stripe, V7) against signatures that our code did not
 * make: Stripe's own Java library ({@code com.stripe.net.Webhook}), and a V7-style vector computed with
 * OpenSSL (below); then every way a request must be refused, and {@code type: any}. End to end over HTTP:
 * {@code io.hookgate.ingress.TimestampedSignatureIngressTest}.
 */
class TimestampedHmacAuthenticatorTest {
  private static final long T = 1623224691L; // the timestamp of V7's documented example header
  private static final String STRIPE_SECRET = "whsec_test_secret";
  private static final String BODY = "{\"event_type\":\"workflow_complete\","
      + "\"payload\":{\"dataset_id\":1,\"filename\":\"letter.png\",\"annotations\":[]}}";

  /*
   * Made with OpenSSL 3.0, not with Java, and upper case as in V7's documented example header:
   *   body='{"event_type":"workflow_complete","payload":{"dataset_id":1,"filename":"letter.png","annotations":[]}}'
   *   printf '%s' "1623224691.$body" | openssl dgst -sha256 -hmac 'v7-example-signing-key-0f3c9a' \
   *     | sed 's/^.* //' | tr a-f A-F
   */
  private static final String V7_KEY = "v7-example-signing-key-0f3c9a";
  private static final String V7_VECTOR = "897FBB9D835131EFE5EABF292248EF70657AFB63F18A397D50884ED3B2D45E4C";
  /* The same with the key 'whsec_test_secret', lower case:
   *   printf '%s' "1623224691.$body" | openssl dgst -sha256 -hmac 'whsec_test_secret' | sed 's/^.* //' */
  private static final String STRIPE_VECTOR = "a954243034f3bfca35da14b8b16d59a21c143899bc4714f2c5b784b5ab4fd86b";

  private static AuthConfig timestamped(String preset, String... secrets) {
    return new AuthConfig("timestamped-hmac", null, null, null, refs(secrets), null, preset, null, null, null, null);
  }

  private static List<SecretRef> refs(String... secrets) {
    return Arrays.stream(secrets).map(SecretRef::ofValue).toList();
  }

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  /** Stripe's library signs: {@code t=<t>,v1=<hex of HMAC(secret, "<t>.<body>")>}. */
  private static String stripeHeader(String secret, long t, String body) throws Exception {
    return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(secret, t + "." + body);
  }

  private static AuthOutcome verify(Authenticator a, String header, String value, String body, long now) {
    return a.verify(headers(header, value), Buffer.buffer(body), now);
  }

  // --- accepted ------------------------------------------------------------------------------

  @Test
  void theVectorsMadeWithOpensslAreWhatStripesLibraryComputes() throws Exception {
    assertThat(Webhook.Util.computeHmacSha256(STRIPE_SECRET, T + "." + BODY)).isEqualTo(STRIPE_VECTOR);
    assertThat(Webhook.Util.computeHmacSha256(V7_KEY, T + "." + BODY)).isEqualToIgnoringCase(V7_VECTOR);
  }

  @Test
  void aHeaderSignedByStripesLibraryIsAcceptedAndStripeAgreesItIsValid() throws Exception {
    Authenticator a = Authenticators.create("stripe", timestamped("stripe", STRIPE_SECRET), Map.of());
    assertThat(a.needsBody()).isTrue();
    String header = stripeHeader(STRIPE_SECRET, T, BODY);
    assertThat(verify(a, "Stripe-Signature", header, BODY, T)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "stripe-signature", header, BODY, T + 299)).isEqualTo(AuthOutcome.OK);
    // The same header passes Stripe's own verifier, so the two agree on what a valid header is.
    Clock atT = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
    assertThatCode(() -> Webhook.Signature.verifyHeader(BODY, header, STRIPE_SECRET, 300, atT))
        .doesNotThrowAnyException();
    assertThat(verify(a, "Stripe-Signature", "t=" + T + ",v1=" + STRIPE_VECTOR, BODY, T)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void v7sUpperCaseHexFromOpensslIsAcceptedWithTheV7Preset() {
    Authenticator a = Authenticators.create("v7", timestamped("v7", V7_KEY), Map.of());
    assertThat(verify(a, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "V7-Signature", "t=" + T + ",v1=" + V7_VECTOR.toLowerCase(), BODY, T))
        .isEqualTo(AuthOutcome.OK);
    // Spaces after the commas, as some senders write them.
    assertThat(verify(a, "v7-signature", "t=" + T + ", v1=" + V7_VECTOR, BODY, T)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void anyOfSeveralSignaturesMayMatchAndOtherSchemesAreSkipped() throws Exception {
    Authenticator a = Authenticators.create("stripe", timestamped("stripe", STRIPE_SECRET), Map.of());
    String other = Webhook.Util.computeHmacSha256("whsec_the_new_secret", T + "." + BODY);
    String several = "t=" + T + ",v1=" + other + ",v0=" + STRIPE_VECTOR + ",v1=zz-not-hex,v1=" + STRIPE_VECTOR;
    assertThat(verify(a, "Stripe-Signature", several, BODY, T)).isEqualTo(AuthOutcome.OK);
    // Stripe's verifier accepts the same header.
    Clock atT = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
    assertThatCode(() -> Webhook.Signature.verifyHeader(BODY, several, STRIPE_SECRET, 300, atT))
        .doesNotThrowAnyException();
  }

  @Test
  void anyOfSeveralSecretsMayMatchWhileOneIsRotated() throws Exception {
    Authenticator a = Authenticators.create("stripe",
        timestamped("stripe", "whsec_the_new_secret", STRIPE_SECRET), Map.of());
    assertThat(verify(a, "Stripe-Signature", stripeHeader(STRIPE_SECRET, T, BODY), BODY, T)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "Stripe-Signature", stripeHeader("whsec_the_new_secret", T, BODY), BODY, T))
        .isEqualTo(AuthOutcome.OK);
  }

  @Test
  void theHeaderTheKeysAndTheSignedContentAreConfigurable() throws Exception {
    AuthConfig custom = new AuthConfig("timestamped-hmac", "X-Acme-Signature", null, null, refs("acme-key"),
        Duration.ofMinutes(1), null, "ts", "sig", SignedContent.parse("acme:{t}:{body}"), null);
    Authenticator a = Authenticators.create("acme", custom, Map.of());
    String sig = Webhook.Util.computeHmacSha256("acme-key", "acme:" + T + ":" + BODY);
    assertThat(verify(a, "X-Acme-Signature", "ts=" + T + ",sig=" + sig, BODY, T + 60)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "X-Acme-Signature", "ts=" + T + ",sig=" + sig, BODY, T + 61)).isEqualTo(AuthOutcome.STALE);
    assertThat(verify(a, "X-Acme-Signature", "t=" + T + ",v1=" + sig, BODY, T)).isEqualTo(AuthOutcome.MALFORMED);
    // A preset's keys give way to the ones written beside it.
    AuthConfig v7OtherHeader = new AuthConfig("timestamped-hmac", "X-Relayed-Signature", null, null, refs(V7_KEY),
        null, "v7", null, null, null, null);
    Authenticator relayed = Authenticators.create("v7", v7OtherHeader, Map.of());
    assertThat(verify(relayed, "X-Relayed-Signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T))
        .isEqualTo(AuthOutcome.OK);
    assertThat(verify(relayed, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T)).isEqualTo(AuthOutcome.MISSING);
  }

  // --- refused -------------------------------------------------------------------------------

  @Test
  void aTamperedBodyOrAnotherTimestampIsInvalid() throws Exception {
    Authenticator a = Authenticators.create("stripe", timestamped("stripe", STRIPE_SECRET), Map.of());
    String header = stripeHeader(STRIPE_SECRET, T, BODY);
    assertThat(verify(a, "Stripe-Signature", header, BODY.replace("letter.png", "letter.pdf"), T))
        .isEqualTo(AuthOutcome.INVALID);
    assertThat(verify(a, "Stripe-Signature", header, BODY + "\n", T)).isEqualTo(AuthOutcome.INVALID);
    assertThat(verify(a, "Stripe-Signature", header.replace("t=" + T, "t=" + (T + 1)), BODY, T))
        .isEqualTo(AuthOutcome.INVALID);
    // Stripe refuses the tampered body too.
    Clock atT = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
    assertThatThrownBy(() -> Webhook.Signature.verifyHeader(BODY + "\n", header, STRIPE_SECRET, 300, atT))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void aSignatureMadeWithAnotherSecretIsInvalid() throws Exception {
    Authenticator a = Authenticators.create("stripe", timestamped("stripe", STRIPE_SECRET), Map.of());
    assertThat(verify(a, "Stripe-Signature", stripeHeader("whsec_someone_else", T, BODY), BODY, T))
        .isEqualTo(AuthOutcome.INVALID);
    // The secret is the text as shown: the whsec_ prefix is part of the key, not dropped.
    assertThat(verify(a, "Stripe-Signature", stripeHeader("test_secret", T, BODY), BODY, T))
        .isEqualTo(AuthOutcome.INVALID);
  }

  @Test
  void aTimestampOutsideTheToleranceIsStaleInThePastAndInTheFuture() throws Exception {
    Authenticator a = Authenticators.create("stripe", timestamped("stripe", STRIPE_SECRET), Map.of());
    String header = stripeHeader(STRIPE_SECRET, T, BODY);
    long fiveMinutes = Duration.ofMinutes(5).toSeconds();
    assertThat(verify(a, "Stripe-Signature", header, BODY, T + fiveMinutes)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "Stripe-Signature", header, BODY, T - fiveMinutes)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "Stripe-Signature", header, BODY, T + fiveMinutes + 1)).isEqualTo(AuthOutcome.STALE);
    assertThat(verify(a, "Stripe-Signature", header, BODY, T - fiveMinutes - 1)).isEqualTo(AuthOutcome.STALE);
  }

  @Test
  void aMissingOrEmptyHeaderIsMissing() {
    Authenticator a = Authenticators.create("v7", timestamped("v7", V7_KEY), Map.of());
    assertThat(a.verify(headers(), Buffer.buffer(BODY), T)).isEqualTo(AuthOutcome.MISSING);
    assertThat(verify(a, "v7-signature", "", BODY, T)).isEqualTo(AuthOutcome.MISSING);
    assertThat(verify(a, "v7-signature", "  ", BODY, T)).isEqualTo(AuthOutcome.MISSING);
    // The right value in another header is still missing.
    assertThat(verify(a, "Stripe-Signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T)).isEqualTo(AuthOutcome.MISSING);
  }

  @Test
  void aHeaderThatCannotBeReadIsMalformed() {
    Authenticator a = Authenticators.create("v7", timestamped("v7", V7_KEY), Map.of());
    for (String value : List.of(
        "v1=" + V7_VECTOR,                                   // no t=
        "t=" + T,                                            // no v1=
        "t=" + T + ",v1=",                                   // an empty v1
        "t=" + T + ",v1=" + V7_VECTOR.substring(1),          // odd-length hex
        "t=" + T + ",v1=not-hex-at-all",
        "garbage",
        ",,,=,",
        "t=yesterday,v1=" + V7_VECTOR,
        "t=-" + T + ",v1=" + V7_VECTOR,
        "t=" + T + "0000000000000,v1=" + V7_VECTOR,          // 23 digits: not a time
        "t=" + T + ",t=" + (T + 1) + ",v1=" + V7_VECTOR,     // two timestamps
        "T=" + T + ",V1=" + V7_VECTOR)) {                    // keys are case-sensitive, as Stripe's
      assertThat(verify(a, "v7-signature", value, BODY, T)).as(value).isEqualTo(AuthOutcome.MALFORMED);
    }
  }

  @Test
  void theRightDigestUnderAnotherVersionKeyIsRefused() {
    Authenticator a = Authenticators.create("v7", timestamped("v7", V7_KEY), Map.of());
    for (String key : List.of("v0", "v2", "V1", "v1a", "s1")) {
      assertThat(verify(a, "v7-signature", "t=" + T + "," + key + "=" + V7_VECTOR, BODY, T)).as(key)
          .isEqualTo(AuthOutcome.MALFORMED);
    }
  }

  @Test
  void aSourceWhoseSigningKeyIsUnsetRefusesEverything() {
    AuthConfig fromEnv = new AuthConfig("timestamped-hmac", null, null, null,
        List.of(SecretRef.ofEnv("V7_WEBHOOK_SIGNING_KEY")), null, "v7", null, null, null, null);
    try (LogCapture logs = new LogCapture()) {
      Authenticator a = Authenticators.create("v7", fromEnv, Map.of());
      assertThat(verify(a, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T))
          .isEqualTo(AuthOutcome.NOT_CONFIGURED);
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
          .startsWith("WARN").contains("'v7'").contains("401").contains("env:V7_WEBHOOK_SIGNING_KEY"));
    }
  }

  @Test
  void withoutAPresetTheHeaderMustBeNamed() {
    AuthConfig noHeader = new AuthConfig("timestamped-hmac", null, null, null, refs("k"), null,
        null, null, null, null, null);
    assertThatThrownBy(() -> Authenticators.create("acme", noHeader, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'sources.acme.auth.header'");
  }

  // --- any: the static header or the signature ------------------------------------------------

  private static Authenticator headerOrSignature(Map<String, String> env) {
    AuthConfig header = new AuthConfig("header", "Authorization", null, null,
        List.of(SecretRef.ofEnv("V7_WEBHOOK_SECRET")), null);
    AuthConfig signature = new AuthConfig("timestamped-hmac", null, null, null,
        List.of(SecretRef.ofEnv("V7_WEBHOOK_SIGNING_KEY")), null, "v7", null, null, null, null);
    return Authenticators.create("v7", any(header, signature), env);
  }

  private static AuthConfig any(AuthConfig... alternatives) {
    return new AuthConfig("any", null, null, null, List.of(), null, null, null, null, null, List.of(alternatives));
  }

  @Test
  void anyAcceptsEitherTheStaticHeaderOrTheSignature() {
    Authenticator a = headerOrSignature(Map.of("V7_WEBHOOK_SECRET", "ApiKey stage", "V7_WEBHOOK_SIGNING_KEY", V7_KEY));
    assertThat(a.needsBody()).isTrue();
    assertThat(a.verify(headers("Authorization", "ApiKey stage"), Buffer.buffer(BODY), T)).isEqualTo(AuthOutcome.OK);
    assertThat(verify(a, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T)).isEqualTo(AuthOutcome.OK);
    // Both present, one wrong: the other still lets it in (the sender may send both while it moves).
    assertThat(a.verify(headers("Authorization", "ApiKey old", "v7-signature", "t=" + T + ",v1=" + V7_VECTOR),
        Buffer.buffer(BODY), T)).isEqualTo(AuthOutcome.OK);
  }

  @Test
  void anyRefusesNamingTheCredentialThatWasThere() {
    Authenticator a = headerOrSignature(Map.of("V7_WEBHOOK_SECRET", "ApiKey stage", "V7_WEBHOOK_SIGNING_KEY", V7_KEY));
    assertThat(a.verify(headers(), Buffer.buffer(BODY), T)).isEqualTo(AuthOutcome.MISSING);
    assertThat(a.verify(headers("Authorization", "ApiKey wrong"), Buffer.buffer(BODY), T))
        .isEqualTo(AuthOutcome.INVALID);
    assertThat(verify(a, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T + 3600)).isEqualTo(AuthOutcome.STALE);
    assertThat(verify(a, "v7-signature", "garbage", BODY, T)).isEqualTo(AuthOutcome.MALFORMED);
  }

  @Test
  void anyWithOneAlternativeUnsetServesWithTheOtherAndWarnsAboutIt() {
    try (LogCapture logs = new LogCapture()) {
      Authenticator a = headerOrSignature(Map.of("V7_WEBHOOK_SECRET", "ApiKey stage"));
      assertThat(a.verify(headers("Authorization", "ApiKey stage"), Buffer.buffer(BODY), T)).isEqualTo(AuthOutcome.OK);
      assertThat(verify(a, "v7-signature", "t=" + T + ",v1=" + V7_VECTOR, BODY, T)).isNotEqualTo(AuthOutcome.OK);
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN").contains("'v7'")
          .contains("sources.v7.auth.alternatives[1]").contains("env:V7_WEBHOOK_SIGNING_KEY"));
      assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains("ApiKey stage"));
    }
    Authenticator neither = headerOrSignature(Map.of());
    assertThat(neither.verify(headers("Authorization", "x"), Buffer.buffer(BODY), T))
        .isEqualTo(AuthOutcome.NOT_CONFIGURED);
  }

  @Test
  void aStaticHeaderAloneStillNeedsNoBody() {
    AuthConfig one = new AuthConfig("header", "Authorization", null, null, refs("a"), null);
    AuthConfig two = new AuthConfig("header", "X-Token", null, null, refs("b"), null);
    Authenticator a = Authenticators.create("s", any(one, two), Map.of());
    assertThat(a.needsBody()).isFalse();
    assertThat(a.verify(headers("X-Token", "b"), null, 0)).isEqualTo(AuthOutcome.OK);
  }
}
