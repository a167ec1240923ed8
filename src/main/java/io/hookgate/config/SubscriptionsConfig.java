package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;

/**
 * Subscriptions managed over the API.
 *
 * @param allowedHosts hosts, IP addresses or CIDR ranges that subscription URLs may point at although they are
 *     private or loopback (refused otherwise, when written and when called); a comma-separated list from the
 *     environment ({@code HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS=127.0.0.1,10.0.0.0/8})
 * @param secretOverlap how long a rotated signing secret keeps signing beside the new one
 * @param disableAfter a subscription whose deliveries have failed without a success for this long is disabled
 *     (as Svix does); 0 never disables one
 * @param replayRate deliveries a second that a recover or a redrive writes, at most: a replay's own budget, so
 *     that live deliveries keep their pace
 */
public record SubscriptionsConfig(
    @JsonDeserialize(using = ConfigDeserializers.CommaSeparated.class) List<String> allowedHosts,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration secretOverlap,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration disableAfter,
    Double replayRate) {

  public SubscriptionsConfig {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    secretOverlap = secretOverlap == null ? Duration.ofHours(24) : secretOverlap;
    disableAfter = disableAfter == null ? Duration.ofDays(5) : disableAfter;
    replayRate = replayRate == null ? 500.0 : replayRate;
    if (replayRate <= 0 || replayRate.isNaN()) {
      throw new ConfigException("replayRate must be a positive number of deliveries a second");
    }
  }

  public static SubscriptionsConfig defaults() {
    return new SubscriptionsConfig(null, null, null, null);
  }
}
