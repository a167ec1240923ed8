package io.hookgate.actions;

import io.hookgate.config.TargetConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * When to try a failed action again. Exponential backoff with full jitter (a uniformly random delay between
 * 0 and {@code min(maxBackoff, initialBackoff * 2^(attempt-1))}, which spreads retries of many actions
 * instead of sending them in waves), or the server's {@code Retry-After} when it gave one, capped at
 * {@code maxRetryAfter}. An action is given up after {@code maxAttempts} calls, or when its next try would
 * come later than {@code maxAge} after it was created.
 */
public final class RetryPolicy {
  private final TargetConfig.Retry config;
  private final RandomGenerator random;

  public RetryPolicy(TargetConfig.Retry config, RandomGenerator random) {
    this.config = config;
    this.random = random;
  }

  /**
   * The decision after a retryable failure.
   *
   * @param retryAt when to try again, or null when giving up
   * @param reason when giving up: {@code exhausted} or {@code expired}
   */
  public record Decision(Instant retryAt, String reason, String detail) {
    public boolean retry() {
      return retryAt != null;
    }
  }

  /**
   * @param attempt the attempt that just failed (1 for the first call)
   * @param createdAt when the action was created, or null
   * @param retryAfter the server's Retry-After, or null
   */
  public Decision next(int attempt, Instant createdAt, Duration retryAfter, Instant now) {
    if (attempt >= config.maxAttempts()) {
      return new Decision(null, "exhausted", "gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
          + " (retry.maxAttempts " + config.maxAttempts() + ")");
    }
    Duration delay = retryAfter != null ? min(retryAfter, config.maxRetryAfter()) : backoff(attempt);
    Instant at = now.plus(delay);
    if (createdAt != null && at.isAfter(createdAt.plus(config.maxAge()))) {
      return new Decision(null, "expired", "gave up: the next attempt would be more than retry.maxAge ("
          + config.maxAge() + ") after the action was created");
    }
    return new Decision(at, null, null);
  }

  /** Whether an action created at {@code createdAt} is past its maximum age. */
  public boolean expired(Instant createdAt, Instant now) {
    return createdAt != null && now.isAfter(createdAt.plus(config.maxAge()));
  }

  /** Full jitter: uniform in [0, min(maxBackoff, initialBackoff * 2^(attempt-1))]. */
  public Duration backoff(int attempt) {
    long initial = config.initialBackoff().toMillis();
    long cap = config.maxBackoff().toMillis();
    int shift = Math.min(Math.max(0, attempt - 1), 40);
    long ceiling = initial > (cap >> shift) ? cap : Math.min(cap, initial << shift);
    return Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Parses a {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110). Null when absent or
   * unreadable; a date in the past gives zero.
   */
  public static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
