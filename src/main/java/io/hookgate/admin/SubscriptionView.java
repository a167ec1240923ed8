package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.TargetConfig;
import io.hookgate.delivery.DeliveryStatus;
import io.hookgate.subscriptions.PauseRetention;
import io.hookgate.subscriptions.SigningSecret;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A subscription as the API shows it: Isahit Lab's shape (url, masked headers, lastCall, lastError) and the
 * rest of its settings, durations written as in the configuration ({@code 10s}), its state, and what the delivery
 * side knows of it when that side runs ({@code lastCall}, {@code lastError}, {@code counts}, {@code breaker},
 * {@code state.waiting}; left out otherwise). Header values and signing secrets are never shown, but for the
 * secret in the answer that creates the subscription.
 */
final class SubscriptionView {
  static final String MASK = "****";

  private final ObjectMapper mapper;
  private final SubscriptionDeliveries deliveries;
  private final PauseRetention retention;
  private final Clock clock;

  /** @param deliveries null until the delivery side of subscriptions runs */
  SubscriptionView(ObjectMapper mapper, SubscriptionDeliveries deliveries, PauseRetention retention, Clock clock) {
    this.mapper = mapper;
    this.deliveries = deliveries;
    this.retention = retention;
    this.clock = clock;
  }

  ObjectNode of(Subscription s) {
    ObjectNode out = mapper.createObjectNode().put("id", s.id()).put("url", s.url());
    if (s.description() != null) {
      out.put("description", s.description());
    }
    out.set("filter", mapper.valueToTree(s.filter()));
    out.put("format", s.format().wire());
    ObjectNode headers = out.putObject("headers");
    s.headers().keySet().stream().sorted(String.CASE_INSENSITIVE_ORDER).forEach(name -> headers.put(name, MASK));
    out.put("active", s.active());
    Subscription.Settings settings = s.settings();
    out.put("timeout", text(settings.timeout())).put("rateLimit", settings.rateLimit())
        .put("concurrency", settings.concurrency());
    TargetConfig.Retry r = settings.retry();
    out.putObject("retry").put("maxAttempts", r.maxAttempts()).put("maxAge", text(r.maxAge()))
        .put("initialBackoff", text(r.initialBackoff())).put("maxBackoff", text(r.maxBackoff()))
        .put("maxRetryAfter", text(r.maxRetryAfter()));
    out.put("createdAt", time(s.createdAt())).put("updatedAt", time(s.updatedAt())).put("revision", s.revision());
    ObjectNode state = out.putObject("state").put("status", s.status());
    if (s.disabled() != null) {
      state.put("since", time(s.disabled().since())).put("reason", s.disabled().reason());
    } else if (s.pause() != null) {
      state.put("since", time(s.pause().since()));
      if (s.pause().reason() != null) {
        state.put("reason", s.pause().reason());
      }
    }
    retention.warning(s, clock.instant()).ifPresent(w -> state.put("warning", w));
    if (deliveries != null) {
      state.put("waiting", deliveries.waiting(s.id()));
      deliveries.log(s.id()).ifPresent(log -> log(out, log));
      String breaker = deliveries.breaker(s.id());
      if (breaker != null) {
        out.put("breaker", breaker);
      }
    }
    return out;
  }

  /** The answer that creates a subscription: the only one besides {@code GET .../secret} with its secret. */
  ObjectNode created(Subscription s) {
    ObjectNode out = of(s);
    if (!s.secrets().isEmpty()) {
      out.put("signingSecret", s.secrets().get(0).secret());
    }
    return out;
  }

  /** The current secret, and those rotated out that still sign at {@code now}. */
  ObjectNode secrets(Subscription s, Instant now) {
    List<SigningSecret> signing = s.signingAt(now);
    SigningSecret current = signing.stream().filter(k -> k.expiresAt() == null).findFirst()
        .orElse(signing.isEmpty() ? null : signing.get(0));
    ObjectNode out = mapper.createObjectNode();
    if (current != null) {
      out.put("signingSecret", current.secret()).put("createdAt", time(current.createdAt()));
    }
    ArrayNode previous = out.putArray("previous");
    for (SigningSecret k : signing) {
      if (k != current) {
        previous.addObject().put("signingSecret", k.secret()).put("createdAt", time(k.createdAt()))
            .put("expiresAt", time(k.expiresAt()));
      }
    }
    return out;
  }

  private void log(ObjectNode out, DeliveryStatus log) {
    if (log.lastCall() != null) {
      out.set("lastCall", mapper.valueToTree(log.lastCall()));
    }
    if (log.lastError() != null) {
      out.set("lastError", mapper.valueToTree(log.lastError()));
    }
    out.set("counts", mapper.valueToTree(log.counts()));
  }

  /** A duration as the configuration writes it: in the largest unit that divides it ({@code 24h}, {@code 1500ms}). */
  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  private static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
