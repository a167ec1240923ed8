package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The auth types timestamped-hmac and any as an operator writes them, and each mistake as a config error. */
class AuthConfigTest {

  private static HookgateConfig load(String sourcesYaml, Map<String, String> env) {
    return new ConfigLoader(env).loadYaml(sourcesYaml);
  }

  private static HookgateConfig load(String sourcesYaml) {
    return load(sourcesYaml, Map.of());
  }

  private static AuthConfig auth(HookgateConfig config, String source) {
    return config.sources().get(source).auth();
  }

  @Test
  void aPresetIsEnoughForTimestampedHmac() {
    AuthConfig auth = auth(load("""
        sources:
          stripe:
            kind: generic
            auth: { type: timestamped-hmac, preset: stripe, secrets: [ env:STRIPE_WEBHOOK_SECRET ] }
            mapping: { eventType: /type }
        """), "stripe");
    assertThat(auth.type()).isEqualTo("timestamped-hmac");
    assertThat(auth.preset()).isEqualTo("stripe");
    assertThat(auth.secrets()).containsExactly(SecretRef.ofEnv("STRIPE_WEBHOOK_SECRET"));
  }

  @Test
  void everyKeyOfTimestampedHmacCanBeWrittenOut() {
    AuthConfig auth = auth(load("""
        sources:
          acme:
            kind: generic
            auth:
              type: timestamped-hmac
              header: X-Acme-Signature
              timestampKey: ts
              signatureKey: sig
              signedContent: "acme:{t}:{body}"
              tolerance: 2m
              secrets: [ env:ACME_KEY, env:ACME_KEY_PREVIOUS ]
            mapping: { eventType: /type }
        """), "acme");
    assertThat(auth.header()).isEqualTo("X-Acme-Signature");
    assertThat(auth.timestampKey()).isEqualTo("ts");
    assertThat(auth.signatureKey()).isEqualTo("sig");
    assertThat(auth.signedContent()).isEqualTo(SignedContent.parse("acme:{t}:{body}"));
    assertThat(auth.signedContent().parts()).containsExactly(new SignedContent.Literal("acme:"),
        new SignedContent.Timestamp(), new SignedContent.Literal(":"), new SignedContent.Body());
    assertThat(auth.tolerance()).isEqualTo(Duration.ofMinutes(2));
    assertThat(auth.secrets()).hasSize(2);
  }

  @Test
  void theSignedContentCanBeSetFromTheEnvironment() {
    AuthConfig auth = auth(load("""
        sources:
          acme:
            kind: generic
            auth: { type: timestamped-hmac, header: X-Sig, secrets: [ env:ACME_KEY ] }
            mapping: { eventType: /type }
        """, Map.of("HOOKGATE_SOURCES_ACME_AUTH_SIGNED_CONTENT", "{t}|{body}")), "acme");
    assertThat(auth.signedContent().template()).isEqualTo("{t}|{body}");
  }

  @Test
  void anyListsTheAlternativesEachWithItsOwnSecrets() {
    AuthConfig auth = auth(load("""
        sources:
          v7:
            kind: v7
            auth:
              type: any
              alternatives:
                - { type: header, header: Authorization, secrets: [ env:V7_WEBHOOK_SECRET ] }
                - { type: timestamped-hmac, preset: v7, secrets: [ { value: inline-signing-key } ] }
        """), "v7");
    assertThat(auth.alternatives()).extracting(AuthConfig::type).containsExactly("header", "timestamped-hmac");
    assertThat(auth.alternatives().get(1).secrets()).hasSize(1);
    // A config printed (or serialized) never shows a secret value, however deep.
    assertThat(auth.toString()).doesNotContain("inline-signing-key").contains("env:V7_WEBHOOK_SECRET");
  }

  private static final String HEADER = "{ type: header, secrets: [ env:K ] }";
  private static final String SIGNATURE = "{ type: timestamped-hmac, preset: v7, secrets: [ env:S ] }";

  /** What is wrong, the auth block, the key the error must name, and words of its message. */
  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("unknown preset",
            "{ type: timestamped-hmac, preset: github, secrets: [ env:K ] }",
            "sources.s.auth.preset", "must be one of v7, stripe"),
        Arguments.of("no header and no preset",
            "{ type: timestamped-hmac, secrets: [ env:K ] }",
            "sources.s.auth.header", "unless a preset"),
        Arguments.of("no secrets",
            "{ type: timestamped-hmac, preset: v7 }",
            "sources.s.auth.secrets", "at least one secret"),
        Arguments.of("signed content without {t}",
            "{ type: timestamped-hmac, preset: v7, signedContent: '{body}', secrets: [ env:K ] }",
            "sources.s.auth.signedContent", "{t} at least once"),
        Arguments.of("signed content, two bodies",
            "{ type: timestamped-hmac, preset: v7, signedContent: '{t}{body}{body}', secrets: [ env:K ] }",
            "sources.s.auth.signedContent", "{body} once"),
        Arguments.of("unknown placeholder",
            "{ type: timestamped-hmac, preset: v7, signedContent: '{id}.{t}.{body}', secrets: [ env:K ] }",
            "sources.s.auth.signedContent", "'{id}' is not a placeholder"),
        Arguments.of("unclosed placeholder",
            "{ type: timestamped-hmac, preset: v7, signedContent: '{t}.{body', secrets: [ env:K ] }",
            "sources.s.auth.signedContent", "not a placeholder"),
        Arguments.of("a key with '='",
            "{ type: timestamped-hmac, preset: v7, timestampKey: 't=', secrets: [ env:K ] }",
            "sources.s.auth.timestampKey", "letters, digits"),
        Arguments.of("the same two keys",
            "{ type: timestamped-hmac, preset: v7, timestampKey: v1, signatureKey: v1, secrets: [ env:K ] }",
            "sources.s.auth.signatureKey", "must differ"),
        Arguments.of("a zero tolerance",
            "{ type: timestamped-hmac, preset: v7, tolerance: 0s, secrets: [ env:K ] }",
            "sources.s.auth.tolerance", "at least 1s"),
        Arguments.of("an hmac prefix",
            "{ type: timestamped-hmac, preset: v7, prefix: 'sha256=', secrets: [ env:K ] }",
            "sources.s.auth.prefix", "only applies to auth type hmac"),
        Arguments.of("an hmac encoding",
            "{ type: timestamped-hmac, preset: v7, encoding: base64, secrets: [ env:K ] }",
            "sources.s.auth.encoding", "signatures are hex"),
        Arguments.of("a preset on a static header",
            "{ type: header, preset: v7, secrets: [ env:K ] }",
            "sources.s.auth.preset", "only applies to auth type timestamped-hmac"),
        Arguments.of("alternatives on a header",
            "{ type: header, secrets: [ env:K ], alternatives: [ { type: none } ] }",
            "sources.s.auth.alternatives", "only applies to auth type any"),
        Arguments.of("any with one alternative",
            "{ type: any, alternatives: [ " + HEADER + " ] }",
            "sources.s.auth.alternatives", "two or more"),
        Arguments.of("any with its own secrets",
            "{ type: any, secrets: [ env:K ], alternatives: [ " + HEADER + ", " + SIGNATURE + " ] }",
            "sources.s.auth.secrets", "belongs in each of the alternatives"),
        Arguments.of("none among the alternatives",
            "{ type: any, alternatives: [ " + HEADER + ", { type: none } ] }",
            "sources.s.auth.alternatives[1].type", "cannot be none"),
        Arguments.of("any among the alternatives",
            "{ type: any, alternatives: [ " + HEADER + ", { type: any } ] }",
            "sources.s.auth.alternatives[1].type", "cannot be any"),
        Arguments.of("an alternative's secrets",
            "{ type: any, alternatives: [ " + HEADER + ", { type: timestamped-hmac, preset: v7 } ] }",
            "sources.s.auth.alternatives[1].secrets", "at least one secret"),
        Arguments.of("an alternative's unknown key",
            "{ type: any, alternatives: [ " + HEADER + ", { type: timestamped-hmac, preset: v7, secret: env:S } ] }",
            "sources.s.auth.alternatives[1].secret", "unknown key"),
        Arguments.of("an unknown type",
            "{ type: oauth, secrets: [ env:K ] }",
            "sources.s.auth.type", "any, header, hmac, none, standard-webhooks, timestamped-hmac"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsAnErrorNamingItsKey(String what, String auth, String key, String message) {
    assertThatThrownBy(() -> load("""
        sources:
          s:
            kind: v7
            auth: %s
        """.formatted(auth)))
        .as(what)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config key '" + key + "'")
        .hasMessageContaining(message);
  }
}
