package io.hookgate.delivery;

import java.time.Instant;

/**
 * What happened to one action at one point, as the delivery log records it. Texts must already be
 * scrubbed of secrets.
 *
 * @param called whether a call was made (false: deferred or given up without calling)
 * @param result how the action goes on
 * @param statusCode the HTTP status of the answer, or null
 * @param message the reason phrase or what went wrong
 * @param body the start of the response body, or null
 * @param breaker the target's breaker state after this outcome (closed, open, half-open), or null
 * @param attempt the call, for a subscription's recent attempts; null when not kept
 */
public record DeliveryOutcome(
    String target,
    String source,
    String projectId,
    boolean called,
    Result result,
    Integer statusCode,
    String message,
    String body,
    Instant at,
    String breaker,
    DeliveryStatus.Attempt attempt) {

  public enum Result {
    SUCCESS, RETRY, DEAD_LETTER, DEFERRED,
    /** A paused subscription's delivery, held until it is resumed. */
    HELD,
    /** A held delivery, delivered on resume (or dropped): one fewer waiting. */
    RELEASED,
    /** The pause is over: nothing waits any more. */
    RESUMED,
    /** A test delivery that failed: a failed call, neither retried nor dead-lettered. */
    TEST_FAILED
  }

  /** An outcome without an attempt to keep. */
  public DeliveryOutcome(String target, String source, String projectId, boolean called, Result result,
      Integer statusCode, String message, String body, Instant at, String breaker) {
    this(target, source, projectId, called, result, statusCode, message, body, at, breaker, null);
  }
}
