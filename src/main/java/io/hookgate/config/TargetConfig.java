package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A named destination for actions ({@code targets.<name>} in the config). Actions name a target; the
 * target supplies the base URL, the credentials and the delivery policy, so that no secret ever travels
 * through Kafka.
 *
 * @param baseUrl http(s) URL that action paths are appended to
 * @param baseUrlSecret instead of {@code baseUrl}, a secret reference holding the URL, for URLs that are
 *     themselves credentials (Slack incoming webhooks)
 * @param auth the header carrying the target's credential, if any
 * @param signingSecret a Standard Webhooks {@code whsec_} secret: required for {@code forward} actions
 * @param timeout per request (connect and wait for data)
 * @param retry when and how long to retry
 * @param rateLimit requests per second to this target, 0 = unlimited
 * @param concurrency requests in flight to this target at once
 * @param breaker the circuit breaker
 * @param allowPrivateNetwork lets this target reach loopback, private, link-local and unique-local
 *     addresses (refused by default: SSRF protection)
 * @param allowedHosts host names, IP addresses or CIDR ranges this target may reach even when private
 */
public record TargetConfig(
    String baseUrl,
    SecretRef baseUrlSecret,
    Auth auth,
    SecretRef signingSecret,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration timeout,
    Retry retry,
    Double rateLimit,
    Integer concurrency,
    Breaker breaker,
    Boolean allowPrivateNetwork,
    List<String> allowedHosts) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_CONCURRENCY = 8;

  public TargetConfig {
    if ((baseUrl == null) == (baseUrlSecret == null)) {
      throw new ConfigException("a target needs exactly one of baseUrl or baseUrlSecret");
    }
    if (baseUrl != null) {
      checkUrl(baseUrl);
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.toMillis() < 1) {
      throw new ConfigException("timeout must be at least 1ms");
    }
    retry = retry == null ? Retry.DEFAULT : retry;
    rateLimit = rateLimit == null ? 0.0 : rateLimit;
    if (rateLimit < 0 || rateLimit.isNaN()) {
      throw new ConfigException("rateLimit must be 0 (unlimited) or a positive number of requests per second");
    }
    concurrency = concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
    if (concurrency < 1) {
      throw new ConfigException("concurrency must be at least 1");
    }
    breaker = breaker == null ? Breaker.DEFAULT : breaker;
    allowPrivateNetwork = allowPrivateNetwork != null && allowPrivateNetwork;
    allowedHosts = allowedHosts == null ? List.of()
        : allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Checks a base URL: absolute http(s), a host, and no credentials in it (they belong in
   * {@code auth.secret}, where they are never logged). The message never repeats the URL, which may be secret.
   */
  public static URI checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new ConfigException("the base URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException("the base URL must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException("the base URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigException("the base URL must not carry credentials; use auth.secret");
    }
    if (uri.getRawFragment() != null) {
      throw new ConfigException("the base URL must not have a #fragment");
    }
    return uri;
  }

  /**
   * The credential header: {@code <header>: <prefix><secret>}, e.g. Kili's
   * {@code Authorization: X-API-Key: <key>} or V7's {@code Authorization: ApiKey <key>}.
   */
  public record Auth(String header, String prefix, SecretRef secret) {
    public Auth {
      header = header == null ? "Authorization" : header;
      prefix = prefix == null ? "" : prefix;
      if (secret == null) {
        throw new ConfigException("auth.secret is required (env:NAME or file:/path)");
      }
      if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new ConfigException("auth.header '" + header + "' is not a valid HTTP header name");
      }
    }
  }

  /**
   * Retry policy: exponential backoff with full jitter, a {@code Retry-After} answer honoured up to
   * {@code maxRetryAfter}, at most {@code maxAttempts} calls and never past {@code maxAge} after the action
   * was created.
   */
  public record Retry(
      Integer maxAttempts,
      @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration maxAge,
      @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration initialBackoff,
      @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration maxBackoff,
      @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration maxRetryAfter) {

    public static final Retry DEFAULT = new Retry(null, null, null, null, null);

    public Retry {
      maxAttempts = maxAttempts == null ? 10 : maxAttempts;
      maxAge = maxAge == null ? Duration.ofHours(24) : maxAge;
      initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
      maxBackoff = maxBackoff == null ? Duration.ofMinutes(10) : maxBackoff;
      maxRetryAfter = maxRetryAfter == null ? Duration.ofMinutes(30) : maxRetryAfter;
      if (maxAttempts < 1) {
        throw new ConfigException("retry.maxAttempts must be at least 1");
      }
      if (initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new ConfigException("retry.initialBackoff must be positive");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new ConfigException("retry.maxBackoff must be at least retry.initialBackoff");
      }
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new ConfigException("retry.maxAge must be positive");
      }
    }
  }

  /** After {@code failureThreshold} consecutive failures, stop calling for {@code openDuration}, then probe once. */
  public record Breaker(
      Integer failureThreshold,
      @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration openDuration) {

    public static final Breaker DEFAULT = new Breaker(null, null);

    public Breaker {
      failureThreshold = failureThreshold == null ? 5 : failureThreshold;
      openDuration = openDuration == null ? Duration.ofSeconds(30) : openDuration;
      if (failureThreshold < 1) {
        throw new ConfigException("breaker.failureThreshold must be at least 1");
      }
      if (openDuration.isNegative() || openDuration.isZero()) {
        throw new ConfigException("breaker.openDuration must be positive");
      }
    }
  }
}
