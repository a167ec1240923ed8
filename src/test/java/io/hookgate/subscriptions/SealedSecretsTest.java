package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.SecretBox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets read from the state topic are decrypted on first use: what a start of 10,000 subscriptions skips. */
class SealedSecretsTest {
  private final SecretBox box = new SecretBox(List.of(Base64.getDecoder().decode(SecretBox.newKey())));
  private final SubscriptionCodec codec = new SubscriptionCodec(box);
  private final Instant t0 = Instant.parse("2026-12-07T10:00:00Z");

  private SubscriptionCodec.Stored stored() {
    Subscription s = new Subscription("s1", "https://one.example", "d", SubscriptionFilter.ALL, null,
        Map.of("Authorization", "tok-1"), true, null, List.of(new SigningSecret("whsec_c2VjcmV0", t0, null)), null,
        t0, t0, 1);
    return codec.encode(s);
  }

  @Test
  void readBackTheyOpenOnFirstUseAndNameTheirHeadersWithoutOpening() {
    List<String> problems = new ArrayList<>();
    SubscriptionCodec.Decoded d = codec.decode(stored(), problems::add);
    assertThat(d.problem()).isNull();
    Subscription s = d.subscription();
    assertThat(s.headers()).isInstanceOf(SealedHeaders.class);
    assertThat(s.headers().keySet()).containsExactly("Authorization");
    assertThat(s.headers()).containsEntry("Authorization", "tok-1");
    assertThat(s.secrets()).extracting(SigningSecret::secret).containsExactly("whsec_c2VjcmV0");
    // A change keeps them sealed until used, and writes them again encrypted.
    Subscription paused = s.withPause(null, t0.plusSeconds(1));
    assertThat(codec.decode(codec.encode(paused)).subscription().secrets()).isEqualTo(s.secrets());
    assertThat(problems).isEmpty();
  }

  @Test
  void oneAlteredInTheTopicIsFoundAtFirstUseAndToldOnce() {
    SubscriptionCodec.Stored st = stored();
    String enc = st.secrets().get(0).secret();
    String altered = enc.substring(0, enc.length() - 4) + (enc.endsWith("AAAA") ? "BBBB" : "AAAA");
    SubscriptionCodec.Stored tampered = new SubscriptionCodec.Stored(st.id(), st.url(), st.description(),
        st.filter(), st.format(), st.headers(), st.active(), st.settings(),
        List.of(new SubscriptionCodec.StoredSecret(altered, st.secrets().get(0).createdAt(), null)), st.pause(),
        st.createdAt(), st.updatedAt(), st.revision(), st.disabled());
    List<String> problems = new ArrayList<>();
    SubscriptionCodec.Decoded d = codec.decode(tampered, problems::add);
    assertThat(d.problem()).isNull();
    assertThat(d.subscription().secrets()).isEmpty();
    assertThat(d.subscription().secrets()).isEmpty();
    assertThat(problems).singleElement().asString().startsWith("its secrets cannot be decrypted").doesNotContain(
        "c2VjcmV0");
    // The header values, sealed apart, still open.
    assertThat(d.subscription().headers()).containsEntry("Authorization", "tok-1");
  }

  @Test
  void aSecretUnderAKeyNotConfiguredHereIsKnownAtRead() {
    SubscriptionCodec elsewhere = new SubscriptionCodec(new SecretBox(List.of(Base64.getDecoder().decode(
        SecretBox.newKey()))));
    SubscriptionCodec.Decoded d = elsewhere.decode(stored(), why -> {
    });
    assertThat(d.problem()).contains("not among the configured encryption keys");
    assertThat(d.subscription().secrets()).isEmpty();
  }
}
