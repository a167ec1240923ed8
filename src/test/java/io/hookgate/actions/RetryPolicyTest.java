package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.TargetConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2025-01-31T10:00:00Z");
  private final TargetConfig.Retry config = new TargetConfig.Retry(5, Duration.ofMinutes(10), Duration.ofSeconds(1),
      Duration.ofSeconds(30), Duration.ofMinutes(2));
  private final RetryPolicy policy = new RetryPolicy(config, new Random(42));

  @Test
  void backoffIsFullJitterUnderAnExponentialCappedCeiling() {
    for (int attempt = 1; attempt <= 10; attempt++) {
      long ceiling = Math.min(30_000, 1000L << (attempt - 1));
      long max = 0;
      for (int i = 0; i < 500; i++) {
        long d = policy.backoff(attempt).toMillis();
        assertThat(d).isBetween(0L, ceiling);
        max = Math.max(max, d);
      }
      assertThat(max).as("jitter spreads over the whole range at attempt " + attempt).isGreaterThan(ceiling / 2);
    }
    assertThat(policy.backoff(200).toMillis()).isLessThanOrEqualTo(30_000);
  }

  @Test
  void retryAfterIsUsedAndCapped() {
    assertThat(policy.next(1, NOW, Duration.ofSeconds(7), NOW).retryAt()).isEqualTo(NOW.plusSeconds(7));
    assertThat(policy.next(1, NOW, Duration.ofHours(1), NOW).retryAt()).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
  }

  @Test
  void givesUpAfterMaxAttemptsOrMaxAge() {
    RetryPolicy.Decision exhausted = policy.next(5, NOW, null, NOW);
    assertThat(exhausted.retry()).isFalse();
    assertThat(exhausted.reason()).isEqualTo("exhausted");
    assertThat(exhausted.detail()).contains("5 attempts");
    assertThat(policy.next(4, NOW, null, NOW).retry()).isTrue();

    RetryPolicy.Decision expired = policy.next(2, NOW.minus(Duration.ofMinutes(9)), Duration.ofMinutes(2), NOW);
    assertThat(expired.retry()).isFalse();
    assertThat(expired.reason()).isEqualTo("expired");
    assertThat(policy.expired(NOW.minus(Duration.ofMinutes(11)), NOW)).isTrue();
    assertThat(policy.expired(null, NOW)).isFalse();
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    assertThat(RetryPolicy.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryPolicy.parseRetryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter("Fri, 31 Jan 2025 10:01:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryPolicy.parseRetryAfter("Fri, 31 Jan 2025 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter("soon", NOW)).isNull();
    assertThat(RetryPolicy.parseRetryAfter(null, NOW)).isNull();
  }
}
