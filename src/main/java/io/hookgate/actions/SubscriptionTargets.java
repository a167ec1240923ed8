package io.hookgate.actions;

import io.hookgate.config.Secret;
import io.hookgate.config.TargetConfig;
import io.hookgate.subscriptions.DeliveryFormat;
import io.hookgate.subscriptions.SigningSecret;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscriptions as targets: each one's deliveries go to {@code subscriptions/<id>}, and this turns the
 * subscription the store holds now into the {@link Target} the action consumer calls (its URL, headers, signing
 * secrets, settings and payload), rebuilt when the subscription changes or a rotated secret expires. Each keeps
 * one circuit breaker on this replica, read by the API.
 */
final class SubscriptionTargets implements SubscriptionStore.Listener {
  /** A subscription's target as built for one revision, until {@code validUntil} (a rotated secret's expiry). */
  record Entry(Subscription subscription, Target target, Instant validUntil) {
  }

  private final SubscriptionStore store;
  private final List<String> allowedHosts;
  private final Clock clock;
  private final Map<String, Entry> built = new ConcurrentHashMap<>();
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  /** @param allowedHosts {@code subscriptions.allowedHosts}: private hosts or ranges subscriptions may reach */
  SubscriptionTargets(SubscriptionStore store, List<String> allowedHosts, Clock clock) {
    this.store = store;
    this.allowedHosts = List.copyOf(allowedHosts);
    this.clock = clock;
    store.listen(this);
  }

  static boolean names(String target) {
    return target != null && target.startsWith(Subscription.TARGET_PREFIX);
  }

  static String id(String target) {
    return target.substring(Subscription.TARGET_PREFIX.length());
  }

  SubscriptionStore store() {
    return store;
  }

  /** The subscription and its target as they are now; empty when the store does not have it. */
  Optional<Entry> find(String target) {
    String id = id(target);
    Optional<Subscription> s = store.get(id);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Entry e = built.get(id);
    if (e == null || e.subscription() != s.get() || (e.validUntil() != null && !now.isBefore(e.validUntil()))) {
      e = build(s.get(), now);
      built.put(id, e);
    }
    return Optional.of(e);
  }

  /** Its breaker on this replica, made with the target defaults on first use. */
  CircuitBreaker breaker(String target) {
    return breakers.computeIfAbsent(target, name -> new CircuitBreaker(name,
        TargetConfig.Breaker.DEFAULT.failureThreshold(), TargetConfig.Breaker.DEFAULT.openDuration(), clock));
  }

  /** The breaker if this replica has called the subscription. */
  Optional<CircuitBreaker> existingBreaker(String target) {
    return Optional.ofNullable(breakers.get(target));
  }

  @Override
  public void changed(String id, Subscription now) {
    built.remove(id);
    if (now == null) {
      breakers.remove(Subscription.TARGET_PREFIX + id);
    }
  }

  private Entry build(Subscription s, Instant now) {
    TargetConfig config = new TargetConfig(s.url(), null, null, null, s.settings().timeout(), s.settings().retry(),
        s.settings().rateLimit(), s.settings().concurrency(), null, false, allowedHosts);
    Map<String, Secret> headers = new LinkedHashMap<>();
    List<String> secretTexts = new ArrayList<>();
    s.headers().forEach((name, value) -> {
      headers.put(name, new Secret(value, "subscription " + s.id() + " header " + name));
      secretTexts.add(value);
    });
    List<byte[]> keys = new ArrayList<>();
    Instant validUntil = null;
    for (SigningSecret secret : s.signingAt(now)) {
      keys.add(StandardWebhooksSigner.key(new Secret(secret.secret(), "subscription " + s.id())));
      secretTexts.add(secret.secret());
      if (secret.expiresAt() != null && (validUntil == null || secret.expiresAt().isBefore(validUntil))) {
        validUntil = secret.expiresAt();
      }
    }
    Target target = new Target(s.targetName(), config, TargetConfig.checkUrl(s.url()), Optional.empty(), keys,
        new SsrfGuard.Allowance(false, allowedHosts), secretTexts, headers,
        s.format() == DeliveryFormat.ORIGINAL ? Target.Payload.ORIGINAL : Target.Payload.CLOUDEVENT);
    return new Entry(s, target, validUntil);
  }
}
