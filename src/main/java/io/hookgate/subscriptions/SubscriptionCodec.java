package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TargetConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JSON of subscriptions in Kafka, in the state topic and in the commands topic. Header values and signing
 * secrets are encrypted with the {@link SecretBox}, each bound to its subscription and field, so that no topic
 * ever holds them in clear.
 */
final class SubscriptionCodec {
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Stored(String id, String url, String description, SubscriptionFilter filter, DeliveryFormat format,
      Map<String, String> headers, boolean active, StoredSettings settings, List<StoredSecret> secrets,
      PauseState pause, Instant createdAt, Instant updatedAt, long revision, Subscription.Disabled disabled) {
  }

  record StoredSettings(long timeoutMs, double rateLimit, int concurrency, StoredRetry retry) {
  }

  record StoredRetry(int maxAttempts, long maxAgeMs, long initialBackoffMs, long maxBackoffMs,
      long maxRetryAfterMs) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StoredSecret(String secret, Instant createdAt, Instant expiresAt) {
  }

  /** A subscription read back: decrypted, or with {@code problem} saying why its secrets could not be. */
  record Decoded(Subscription subscription, String problem) {
  }

  private final ObjectMapper mapper = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private final SecretBox box;

  /** @param box null when no encryption key is set: nothing with a secret can then be written or read */
  SubscriptionCodec(SecretBox box) {
    this.box = box;
  }

  /** Whether subscriptions can be written: an encryption key is set. */
  boolean canSeal() {
    return box != null;
  }

  private SecretBox box() {
    if (box == null) {
      throw new IllegalArgumentException("no encryption key is set (encryption.keys, HOOKGATE_ENCRYPTION_KEY)");
    }
    return box;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** The subscription as stored, its secrets encrypted. */
  Stored encode(Subscription s) {
    Map<String, String> headers = new LinkedHashMap<>();
    s.headers().forEach((name, value) -> headers.put(name, box().encrypt(value, place(s.id(), "headers/" + name))));
    List<StoredSecret> secrets = new ArrayList<>();
    for (SigningSecret secret : s.secrets()) {
      secrets.add(new StoredSecret(box().encrypt(secret.secret(), place(s.id(), "secrets/" + secret.createdAt())),
          secret.createdAt(), secret.expiresAt()));
    }
    Subscription.Settings st = s.settings();
    TargetConfig.Retry r = st.retry();
    StoredSettings settings = new StoredSettings(st.timeout().toMillis(), st.rateLimit(), st.concurrency(),
        new StoredRetry(r.maxAttempts(), r.maxAge().toMillis(), r.initialBackoff().toMillis(),
            r.maxBackoff().toMillis(), r.maxRetryAfter().toMillis()));
    return new Stored(s.id(), s.url(), s.description(), s.filter(), s.format(), headers, s.active(), settings,
        secrets, s.pause(), s.createdAt(), s.updatedAt(), s.revision(), s.disabled());
  }

  /** The subscription decrypted; when a secret cannot be, the rest of it and why. */
  Decoded decode(Stored st) {
    return decode(st, why -> {
    });
  }

  /**
   * The subscription with its header values and signing secrets sealed: decrypted on first use. When a secret
   * names a key not configured here, it is known at once (the rest of the subscription and why); when one fails
   * later (altered), {@code lateProblem} is told, once, and the values are empty.
   */
  Decoded decode(Stored st, Consumer<String> lateProblem) {
    Map<String, String> sealedHeaders = st.headers() == null ? Map.of() : st.headers();
    List<StoredSecret> sealedSecrets = st.secrets() == null ? List.of() : st.secrets();
    String refused = null;
    for (String c : sealedHeaders.values()) {
      refused = refused != null ? refused : box().refusal(c);
    }
    for (StoredSecret c : sealedSecrets) {
      refused = refused != null ? refused : box().refusal(c.secret());
    }
    if (refused != null) {
      // Its secrets cannot be read with the keys configured here: known, but not deliverable from here.
      return new Decoded(subscription(st, Map.of(), List.of()), "its secrets cannot be decrypted: " + refused);
    }
    Consumer<String> once = new Consumer<>() {
      private boolean told;

      @Override
      public synchronized void accept(String why) {
        if (!told) {
          told = true;
          lateProblem.accept(why);
        }
      }
    };
    Sealed<Map<String, String>> headers = new Sealed<>(() -> {
      Map<String, String> open = new LinkedHashMap<>();
      sealedHeaders.forEach((name, enc) -> open.put(name, box().decrypt(enc, place(st.id(), "headers/" + name))));
      return Collections.unmodifiableMap(open);
    }, Map.of(), once);
    Sealed<List<SigningSecret>> secrets = new Sealed<>(() -> {
      List<SigningSecret> open = new ArrayList<>();
      for (StoredSecret secret : sealedSecrets) {
        open.add(new SigningSecret(box().decrypt(secret.secret(), place(st.id(), "secrets/" + secret.createdAt())),
            secret.createdAt(), secret.expiresAt()));
      }
      return List.copyOf(open);
    }, List.of(), once);
    return new Decoded(subscription(st, new SealedHeaders(sealedHeaders.keySet(), headers),
        new SealedSecrets(secrets)), null);
  }

  /** Encrypts one secret for a command (a rotation's new secret), bound to where it will be stored. */
  String seal(String id, SigningSecret secret) {
    return box().encrypt(secret.secret(), place(id, "secrets/" + secret.createdAt()));
  }

  String unseal(String id, String sealed, Instant createdAt) {
    return box().decrypt(sealed, place(id, "secrets/" + createdAt));
  }

  private static Subscription subscription(Stored st, Map<String, String> headers, List<SigningSecret> secrets) {
    StoredSettings ss = st.settings();
    Subscription.Settings settings = ss == null ? Subscription.Settings.DEFAULT : new Subscription.Settings(
        Duration.ofMillis(ss.timeoutMs()), ss.rateLimit(), ss.concurrency(), ss.retry() == null
            ? TargetConfig.Retry.DEFAULT : new TargetConfig.Retry(ss.retry().maxAttempts(),
                Duration.ofMillis(ss.retry().maxAgeMs()), Duration.ofMillis(ss.retry().initialBackoffMs()),
                Duration.ofMillis(ss.retry().maxBackoffMs()), Duration.ofMillis(ss.retry().maxRetryAfterMs())));
    return new Subscription(st.id(), st.url(), st.description(), st.filter(), st.format(), headers, st.active(),
        settings, secrets, st.pause(), st.createdAt(), st.updatedAt(), st.revision(), st.disabled());
  }

  private static String place(String id, String field) {
    return "subscription/" + id + "/" + field;
  }
}
