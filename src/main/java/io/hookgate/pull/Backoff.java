package io.hookgate.pull;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait before a reconnection: {@code initial * 2^attempt}, at most {@code max}, of which a random half is
 * taken off ("equal jitter"), so that replicas and projects cut off together do not all come back at once.
 */
record Backoff(Duration initial, Duration max, DoubleSupplier random) {

  /** @param attempt 0 for the first reconnection after a failure */
  Duration delay(int attempt) {
    long cap = max.toMillis();
    long exp = initial.toMillis() << Math.min(attempt, 30);
    long full = exp <= 0 || exp > cap ? cap : exp;
    long half = full / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (full - half)));
  }
}
