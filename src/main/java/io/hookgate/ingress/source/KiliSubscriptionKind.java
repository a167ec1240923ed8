package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.ConfigException;
import io.hookgate.config.KiliPullConfig;
import io.hookgate.config.SourceConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * {@code kind: kili-subscription}: Kili without a public URL. Instead of receiving Kili's webhooks, hookgate holds
 * Kili's GraphQL subscription {@code labelCreatedOrUpdated} per project ({@code pull:}), see
 * {@link io.hookgate.pull.PullModule}. Each label it gets is made into the body of a Kili webhook and read by
 * {@link KiliSource}, so that a pulled label is the same canonical event a webhook would be.
 *
 * <p>A kind of its own rather than a {@code pull:} section on a {@code kili} source: such a source takes no
 * webhooks, so it has no {@code auth} and no route, and its events cannot be mixed with a webhook's under one
 * source name (the same label would come twice, with two ids).
 */
public final class KiliSubscriptionKind implements SourceKind {
  public static final String NAME = "kili-subscription";
  public static final SourceKind KIND = new KiliSubscriptionKind();

  private KiliSubscriptionKind() {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean takesWebhooks() {
    return false;
  }

  @Override
  public void validate(String key, SourceConfig config) {
    KiliPullConfig pull = config.pull();
    require(pull != null, key + ".pull", "is required for a kili-subscription source (at least apiKey and projects)");
    require(pull.apiKey() != null, key + ".pull.apiKey", "is required: a secret reference such as env:KILI_API_KEY");
    require(!pull.projects().isEmpty(), key + ".pull.projects", "lists at least one Kili project id");
    for (String p : pull.projects()) {
      require(p != null && p.matches("[A-Za-z0-9_-]{1,100}"), key + ".pull.projects",
          "'" + p + "' is not a Kili project id (letters, digits, '-' and '_')");
    }
    require(pull.projects().stream().distinct().count() == pull.projects().size(), key + ".pull.projects",
        "lists a project twice");
    URI uri;
    try {
      uri = new URI(pull.endpoint());
    } catch (URISyntaxException e) {
      throw new ConfigException("config key '" + key + ".pull.endpoint': is not a URL: " + e.getMessage());
    }
    require(("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null,
        key + ".pull.endpoint", "must be a ws:// or wss:// URL (got '" + pull.endpoint() + "')");
    atLeast(key + ".pull.keepAliveTimeout", pull.keepAliveTimeout(), Duration.ofSeconds(1));
    atLeast(key + ".pull.renewEvery", pull.renewEvery(), Duration.ofSeconds(1));
    require(pull.renewEvery().compareTo(Duration.ofDays(29)) <= 0, key + ".pull.renewEvery",
        "must be at most 696h (29 days): Kili ends a subscription after about 30 days");
    atLeast(key + ".pull.initialBackoff", pull.initialBackoff(), Duration.ofMillis(10));
    require(pull.maxBackoff().compareTo(pull.initialBackoff()) >= 0, key + ".pull.maxBackoff",
        "must be at least pull.initialBackoff");
    require(pull.pageSize() >= 1 && pull.pageSize() <= 500, key + ".pull.pageSize", "must be between 1 and 500");
    atLeast(key + ".pull.requestTimeout", pull.requestTimeout(), Duration.ofMillis(100));
  }

  /** The bodies the pull makes of labels are Kili webhooks: Kili's normalization reads them. */
  @Override
  public WebhookSource create(SourceConfig config, ObjectMapper bodies) {
    return new KiliSource(bodies);
  }

  private static void atLeast(String key, Duration d, Duration min) {
    require(d.compareTo(min) >= 0, key, "must be at least " + min.toMillis() + "ms");
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "': " + message);
    }
  }
}
