package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.SecretBox;
import io.hookgate.subscriptions.StateRecord.Result;
import io.hookgate.subscriptions.SubscriptionCommand.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each command does to a subscription, without a broker. */
class SubscriptionChangesTest {
  private final SubscriptionCodec codec = new SubscriptionCodec(new SecretBox(List.of(
      Base64.getDecoder().decode(SecretBox.newKey()))));
  private final SubscriptionChanges changes = new SubscriptionChanges(codec);
  private final Instant t0 = Instant.parse("2026-12-07T10:00:00Z");

  private Subscription asked(String id, String url) {
    return new Subscription(id, url, "d", SubscriptionFilter.ALL, null, Map.of("Authorization", "tok"), true, null,
        null, null, null, null, 0);
  }

  private SubscriptionCommand write(Op op, Subscription s, Long ifRevision) {
    SigningSecret secret = new SigningSecret("whsec_c2VjcmV0", t0, null);
    return SubscriptionCommand.of("w-" + op + s.url(), s.id(), op, ifRevision).withSubscription(codec.encode(s),
        new SubscriptionCodec.StoredSecret(codec.seal(s.id(), secret), t0, null));
  }

  @Test
  void createThenReplaceKeepsTheSecretsAndTheCreationTime() {
    var created = changes.apply(null, write(Op.create, asked("a", "https://one.example"), null), t0);
    assertThat(created.result()).isEqualTo(Result.created);
    assertThat(created.next().revision()).isEqualTo(1);
    assertThat(created.next().secrets()).extracting(SigningSecret::secret).containsExactly("whsec_c2VjcmV0");
    assertThat(changes.apply(created.next(), write(Op.create, asked("a", "https://two.example"), null), t0).result())
        .isEqualTo(Result.exists);
    var replaced = changes.apply(created.next(), write(Op.put, asked("a", "https://two.example"), null),
        t0.plusSeconds(5));
    assertThat(replaced.result()).isEqualTo(Result.replaced);
    assertThat(replaced.next().url()).isEqualTo("https://two.example");
    assertThat(replaced.next().revision()).isEqualTo(2);
    assertThat(replaced.next().secrets()).isEqualTo(created.next().secrets());
    assertThat(replaced.next().createdAt()).isEqualTo(t0);
    assertThat(replaced.next().updatedAt()).isEqualTo(t0.plusSeconds(5));
  }

  @Test
  void ifMatchOnAnotherRevisionIsAConflict() {
    Subscription s = changes.apply(null, write(Op.create, asked("a", "https://one.example"), null), t0).next();
    assertThat(changes.apply(s, write(Op.put, asked("a", "https://x.example"), 7L), t0).result())
        .isEqualTo(Result.conflict);
    assertThat(changes.apply(s, SubscriptionCommand.of("w", "a", Op.delete, 1L), t0).result())
        .isEqualTo(Result.deleted);
    assertThat(changes.apply(null, SubscriptionCommand.of("w", "a", Op.pause, null), t0).result())
        .isEqualTo(Result.notFound);
  }

  @Test
  void pauseHoldResumeAndTheEndOfTheHold() {
    Subscription s = changes.apply(null, write(Op.create, asked("a", "https://one.example"), null), t0).next();
    Subscription paused = changes.apply(s, SubscriptionCommand.of("p", "a", Op.pause, null).withReason("deploy"), t0)
        .next();
    assertThat(paused.status()).isEqualTo("paused");
    assertThat(changes.apply(paused, SubscriptionCommand.of("p2", "a", Op.pause, null), t0).result())
        .isEqualTo(Result.unchanged);
    Subscription held = changes.apply(paused, SubscriptionCommand.of("h", "a", Op.held, null).withOffset(42), t0)
        .next();
    assertThat(held.pause().heldFrom()).isEqualTo(42);
    assertThat(changes.apply(held, SubscriptionCommand.of("h2", "a", Op.held, null).withOffset(50), t0).result())
        .as("the first held offset stays").isEqualTo(Result.unchanged);
    Subscription resuming = changes.apply(held, SubscriptionCommand.of("r", "a", Op.resume, null), t0).next();
    assertThat(resuming.pause().resuming()).isTrue();
    assertThat(resuming.status()).isEqualTo("active");
    Subscription done = changes.apply(resuming, SubscriptionCommand.of("d", "a", Op.resumed, null), t0).next();
    assertThat(done.pause()).isNull();
    // Resumed before anything was held: nothing to deliver first, the pause simply ends.
    Subscription pausedAgain = changes.apply(done, SubscriptionCommand.of("p3", "a", Op.pause, null), t0).next();
    assertThat(changes.apply(pausedAgain, SubscriptionCommand.of("r2", "a", Op.resume, null), t0).next().pause())
        .isNull();
  }

  @Test
  void projectsAreAddedAndRemovedAndAllCannotLoseOne() {
    Subscription s = changes.apply(null, write(Op.create, asked("a", "https://one.example"), null), t0).next();
    assertThat(changes.apply(s, SubscriptionCommand.of("x", "a", Op.removeProject, null).withProject("p1"), t0)
        .result()).isEqualTo(Result.refused);
    Subscription none = s.withFilter(new SubscriptionFilter(null, List.of(), null, null, null), t0);
    Subscription one = changes.apply(none, SubscriptionCommand.of("x", "a", Op.addProject, null).withProject("p1"), t0)
        .next();
    assertThat(one.filter().projects()).containsExactly("p1");
    Subscription again = changes.apply(one, SubscriptionCommand.of("y", "a", Op.removeProject, null).withProject("p1"),
        t0).next();
    assertThat(again.filter().projects()).as("empty: matches nothing, rather than everything").isEmpty();
    assertThat(again.filter().matchesNothing()).isTrue();
  }

  @Test
  void aRotatedSecretKeepsSigningForTheOverlapThenGoes() {
    Subscription s = changes.apply(null, write(Op.create, asked("a", "https://one.example"), null), t0).next();
    SigningSecret next = new SigningSecret("whsec_bmV3", t0.plusSeconds(60), null);
    var rotate = SubscriptionCommand.of("r", "a", Op.rotateSecret, null).withRotation(
        new SubscriptionCodec.StoredSecret(codec.seal("a", next), next.createdAt(), null),
        Duration.ofHours(1).toMillis());
    Subscription rotated = changes.apply(s, rotate, t0.plusSeconds(60)).next();
    assertThat(rotated.secrets()).extracting(SigningSecret::secret).containsExactly("whsec_bmV3", "whsec_c2VjcmV0");
    assertThat(rotated.signingAt(t0.plusSeconds(120))).hasSize(2);
    assertThat(rotated.signingAt(t0.plus(Duration.ofHours(2)))).extracting(SigningSecret::secret)
        .containsExactly("whsec_bmV3");
  }
}
