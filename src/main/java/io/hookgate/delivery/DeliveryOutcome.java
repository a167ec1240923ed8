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
    String breaker) {

  public enum Result {
    SUCCESS, RETRY, DEAD_LETTER, DEFERRED
  }
}
