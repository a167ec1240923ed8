package io.hookgate.actions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target's circuit breaker. Closed: calls go through; {@code failureThreshold} consecutive failures (the
 * retryable kind: network errors, timeouts, 408, 425, 429, 5xx) open it. Open: no calls for
 * {@code openDuration}; actions are scheduled for later instead. Then half-open: exactly one probe call; its
 * success closes the breaker, its failure opens it again. An answer that is not a failure of the target
 * (2xx, a permanent 4xx) counts as a success: the target is up.
 *
 * <p>Thread-safe: the action consumer updates it, the status API and the metrics scrape read it.
 */
public final class CircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

  public enum State {
    CLOSED("closed", 0), OPEN("open", 1), HALF_OPEN("half-open", 2);

    private final String label;
    private final int gauge;

    State(String label, int gauge) {
      this.label = label;
      this.gauge = gauge;
    }

    /** As shown in the API and the status topic. */
    public String label() {
      return label;
    }

    /** The value of {@code hookgate_breaker_state}: 0 closed, 1 open, 2 half-open. */
    public int gauge() {
      return gauge;
    }
  }

  /**
   * The breaker's answer for one call.
   *
   * @param allowed call now
   * @param probe this call is the half-open probe: report its outcome with {@code probe = true}
   * @param retryAt when not allowed: when to try again
   */
  public record Permit(boolean allowed, boolean probe, Instant retryAt) {
  }

  private final String target;
  private final int failureThreshold;
  private final Duration openDuration;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil;
  private boolean probeInFlight;

  public CircuitBreaker(String target, int failureThreshold, Duration openDuration, Clock clock) {
    this.target = target;
    this.failureThreshold = failureThreshold;
    this.openDuration = openDuration;
    this.clock = clock;
  }

  public synchronized Permit tryAcquire() {
    Instant now = clock.instant();
    switch (state) {
      case CLOSED:
        return new Permit(true, false, null);
      case OPEN:
        if (now.isBefore(openUntil)) {
          return new Permit(false, false, openUntil);
        }
        state = State.HALF_OPEN;
        LOG.info("Circuit breaker of target {} half-open: probing", target);
        probeInFlight = true;
        return new Permit(true, true, null);
      default:
        if (probeInFlight) {
          return new Permit(false, false, now.plus(probeWait()));
        }
        probeInFlight = true;
        return new Permit(true, true, null);
    }
  }

  /**
   * Whether a call given {@code permit} may still start now: a permit is taken before the call waits for a
   * connection slot, and the breaker may have opened meanwhile, on the failures of the calls that held the
   * slots. Then no call goes out while it is open: the answer is a refusal with when to try again. The
   * half-open probe keeps its permit: it is the one call the breaker waits for.
   */
  public synchronized Permit confirm(Permit permit) {
    if (!permit.allowed() || permit.probe() || state == State.CLOSED) {
      return permit;
    }
    Instant now = clock.instant();
    return new Permit(false, false, state == State.OPEN && now.isBefore(openUntil) ? openUntil : now.plus(probeWait()));
  }

  /** The target answered in a way that shows it works. */
  public synchronized void onSuccess(boolean probe) {
    if (probe) {
      probeInFlight = false;
    }
    if (state == State.CLOSED || probe) {
      if (state != State.CLOSED) {
        LOG.info("Circuit breaker of target {} closed: the probe succeeded", target);
      }
      state = State.CLOSED;
      consecutiveFailures = 0;
    }
  }

  /** The call failed in a way that may mean the target is down. */
  public synchronized void onFailure(boolean probe) {
    if (probe) {
      probeInFlight = false;
      open("the probe failed");
      return;
    }
    if (state == State.CLOSED && ++consecutiveFailures >= failureThreshold) {
      open(consecutiveFailures + " consecutive failures");
    }
  }

  /** The call told nothing about the target (refused before connecting); frees the probe slot. */
  public synchronized void onNeutral(boolean probe) {
    if (probe) {
      probeInFlight = false;
    }
  }

  private void open(String why) {
    state = State.OPEN;
    openUntil = clock.instant().plus(openDuration);
    LOG.warn("Circuit breaker of target {} open for {}ms: {}", target, openDuration.toMillis(), why);
  }

  private Duration probeWait() {
    Duration quarter = openDuration.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(100)) < 0 ? openDuration : quarter;
  }

  /** The state as a caller would find it now (an open breaker whose time is up shows as half-open). */
  public synchronized State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      return State.HALF_OPEN;
    }
    return state;
  }

  public synchronized Instant openUntil() {
    return state == State.OPEN ? openUntil : null;
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  public Duration openDuration() {
    return openDuration;
  }
}
