package io.hookgate.subscriptions;

import io.hookgate.config.TargetConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An outbound webhook subscription, as the store holds it: secrets in clear, in memory only (they are
 * encrypted in the subscriptions topic and masked in every answer).
 *
 * @param id chosen by the client (Isahit Lab's and Kili's names, GitOps) or generated
 * @param headers sent with every delivery, e.g. the {@code Authorization} value the receiver checks
 * @param active false: nothing matches it, nothing is kept for it
 * @param settings timeout, rate limit, concurrency and retry policy, as a target's
 * @param secrets the signing secrets, current first; a rotated one stays until it expires
 * @param pause null unless paused or resuming
 * @param revision increases with every accepted write; the {@code ETag}
 * @param disabled set when hookgate disabled it (its deliveries failed without a success for too long); a resume
 *     enables it again
 */
public record Subscription(String id, String url, String description, SubscriptionFilter filter,
    DeliveryFormat format, Map<String, String> headers, boolean active, Settings settings,
    List<SigningSecret> secrets, PauseState pause, Instant createdAt, Instant updatedAt, long revision,
    Disabled disabled) {

  /** Why and since when hookgate disabled a subscription. */
  public record Disabled(Instant since, String reason) {
  }

  /** A subscription hookgate has not disabled. */
  public Subscription(String id, String url, String description, SubscriptionFilter filter, DeliveryFormat format,
      Map<String, String> headers, boolean active, Settings settings, List<SigningSecret> secrets, PauseState pause,
      Instant createdAt, Instant updatedAt, long revision) {
    this(id, url, description, filter, format, headers, active, settings, secrets, pause, createdAt, updatedAt,
        revision, null);
  }

  /** What a subscription is called as the target of its deliveries (no YAML target name has a slash). */
  public static final String TARGET_PREFIX = "subscriptions/";

  /**
   * Delivery settings, as a target's.
   *
   * @param rateLimit requests per second, 0 for no limit
   */
  public record Settings(Duration timeout, double rateLimit, int concurrency, TargetConfig.Retry retry) {
    public static final Settings DEFAULT = new Settings(TargetConfig.DEFAULT_TIMEOUT, 0,
        TargetConfig.DEFAULT_CONCURRENCY, TargetConfig.Retry.DEFAULT);
  }

  public Subscription {
    filter = filter == null ? SubscriptionFilter.ALL : filter;
    format = format == null ? DeliveryFormat.CLOUDEVENTS : format;
    // Read from Kafka, they stay sealed until used (SealedHeaders, SealedSecrets): immutable, not copied.
    headers = headers == null ? Map.of() : headers instanceof SealedHeaders ? headers : Map.copyOf(headers);
    settings = settings == null ? Settings.DEFAULT : settings;
    secrets = secrets == null ? List.of() : secrets instanceof SealedSecrets ? secrets : List.copyOf(secrets);
  }

  /** The target name of its deliveries. */
  public String targetName() {
    return TARGET_PREFIX + id;
  }

  /** active, paused or disabled. */
  public String status() {
    return !delivers() ? "disabled" : pause != null && !pause.resuming() ? "paused" : "active";
  }

  /** Whether it gets events: active, and not disabled by hookgate. */
  public boolean delivers() {
    return active && disabled == null;
  }

  /** The secrets that sign a delivery made at {@code now}: the current one and those not yet expired. */
  public List<SigningSecret> signingAt(Instant now) {
    return secrets.stream().filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now)).toList();
  }

  public Subscription withPause(PauseState state, Instant now) {
    return new Subscription(id, url, description, filter, format, headers, active, settings, secrets, state, createdAt,
        now, revision, disabled);
  }

  public Subscription withFilter(SubscriptionFilter f, Instant now) {
    return new Subscription(id, url, description, f, format, headers, active, settings, secrets, pause, createdAt, now,
        revision, disabled);
  }

  public Subscription withSecrets(List<SigningSecret> s, Instant now) {
    return new Subscription(id, url, description, filter, format, headers, active, settings, s, pause, createdAt, now,
        revision, disabled);
  }

  public Subscription withDisabled(Disabled d, Instant now) {
    return new Subscription(id, url, description, filter, format, headers, active, settings, secrets, pause, createdAt,
        now, revision, d);
  }

  public Subscription withRevision(long r) {
    return new Subscription(id, url, description, filter, format, headers, active, settings, secrets, pause, createdAt,
        updatedAt, r, disabled);
  }

  @Override
  public String toString() {
    return "Subscription[" + id + " -> " + url + ", revision " + revision + "]";
  }
}
