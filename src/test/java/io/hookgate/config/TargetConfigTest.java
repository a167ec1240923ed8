package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.actions.Target;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The targets block: defaults, validation messages naming the key, secrets resolved at start. */
class TargetConfigTest {

  private static HookgateConfig load(String targets) {
    return new ConfigLoader(Map.of()).loadYaml(targets);
  }

  @Test
  void defaultsApplyToEveryOmittedSetting() {
    TargetConfig t = load("targets: { kili: { baseUrl: 'https://cloud.kili-technology.com/api/label/v2/graphql' } }")
        .targets().get("kili");
    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.concurrency()).isEqualTo(8);
    assertThat(t.rateLimit()).isZero();
    assertThat(t.retry().maxAttempts()).isEqualTo(10);
    assertThat(t.retry().maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(t.breaker().failureThreshold()).isEqualTo(5);
    assertThat(t.allowPrivateNetwork()).isFalse();
    assertThat(t.allowedHosts()).isEmpty();
  }

  @Test
  void invalidSettingsNameTheirKey() {
    assertThatThrownBy(() -> load("targets: { a: { baseUrl: 'ftp://x' } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("targets.a").hasMessageContaining("http://");
    assertThatThrownBy(() -> load("targets: { a: { baseUrl: 'https://user:pw@x.example' } }"))
        .hasMessageContaining("must not carry credentials").hasMessageNotContaining("pw");
    assertThatThrownBy(() -> load("targets: { a: { baseUrl: 'https://x.example', retry: { maxAttempts: 0 } } }"))
        .hasMessageContaining("retry.maxAttempts");
    assertThatThrownBy(() -> load("targets: { a: { baseUrl: 'https://x.example', auth: { header: Authorization } } }"))
        .hasMessageContaining("auth.secret is required");
    assertThatThrownBy(() -> load("targets: { a: { baseUrl: 'https://x.example', auth: { secret: 'plain-secret' } } }"))
        .hasMessageContaining("env:NAME").hasMessageNotContaining("plain-secret");
    assertThatThrownBy(() -> load("targets: { a: { } }")).hasMessageContaining("baseUrl");
  }

  @Test
  void missingSecretsStopStartUpNamingTheKeyNotTheValue() {
    TargetConfig kili = load("""
        targets:
          kili:
            baseUrl: https://cloud.kili-technology.com/api/label/v2/graphql
            auth: { header: Authorization, prefix: "X-API-Key: ", secret: env:KILI_API_KEY }
        """).targets().get("kili");
    assertThatThrownBy(() -> Target.resolve("kili", kili, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.kili.auth.secret").hasMessageContaining("env:KILI_API_KEY");
    Target resolved = Target.resolve("kili", kili, Map.of("KILI_API_KEY", "k-123456"));
    assertThat(resolved.authValue().orElseThrow().reveal()).isEqualTo("X-API-Key: k-123456");
    assertThat(resolved.toString()).doesNotContain("k-123456");
    assertThat(resolved.redact("echo: X-API-Key: k-123456")).isEqualTo("echo: X-API-Key: ****");

    TargetConfig signed = load("targets: { s: { baseUrl: 'https://x.example', signingSecret: env:SIGN } }")
        .targets().get("s");
    assertThatThrownBy(() -> Target.resolve("s", signed, Map.of("SIGN", "not-whsec")))
        .hasMessageContaining("targets.s.signingSecret").hasMessageContaining("whsec_")
        .hasMessageNotContaining("not-whsec");
    assertThatThrownBy(() -> Target.resolve("bad name", signed, Map.of("SIGN", "whsec_AAAA")))
        .hasMessageContaining("target names");
  }

  /** A secret ending in a newline (a file or variable written with echo) stops start-up, not every action. */
  @Test
  void aCredentialHttpCannotCarryStopsStartUpWithoutBeingShown() {
    TargetConfig t = load("""
        targets:
          t:
            baseUrl: https://x.example
            auth: { header: Authorization, prefix: "Bearer ", secret: env:TOKEN }
        """).targets().get("t");
    assertThatThrownBy(() -> Target.resolve("t", t, Map.of("TOKEN", "cred-part-one\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.t.auth.secret").hasMessageContaining("env:TOKEN")
        .hasMessageContaining("contains a line break").hasMessageNotContaining("cred-part");
  }
}
