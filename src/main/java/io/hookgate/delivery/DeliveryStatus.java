package io.hookgate.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The delivery log of a target, or of one webhook subscription (target + source + project), in Isahit
 * Lab's shape: the last call and the last error, plus counters. This is the value of the compacted
 * delivery-status topic (key {@code target} or {@code target|source|project}) and what the status API
 * serves. Nothing secret is ever in it: bodies and messages are scrubbed of the target's secrets first.
 *
 * @param target the target's name
 * @param source for a subscription: the configured source the events came from; null for the target
 * @param projectId for a subscription: the project; null for the target
 * @param lastCall the most recent call, whatever its outcome
 * @param lastError the most recent failure, with the start of the response body
 * @param counts totals since the log began
 * @param breaker for the target: its circuit breaker's state when last written (closed, open, half-open)
 * @param updatedAt when this record was written
 * @param version increases by one with every write of this key; a reader keeps the highest
 * @param waiting for a paused subscription: deliveries held and not yet delivered
 * @param recent for a subscription: its last {@value #RECENT} attempts, newest first
 * @param failingSince the first failed call since the last success; null while calls succeed
 */
public record DeliveryStatus(
    String target,
    String source,
    String projectId,
    LastCall lastCall,
    LastError lastError,
    Counts counts,
    String breaker,
    Instant updatedAt,
    long version,
    long waiting,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Attempt> recent,
    Instant failingSince) {

  /** Attempts kept in a subscription's log. */
  public static final int RECENT = 20;

  public DeliveryStatus {
    counts = counts == null ? Counts.ZERO : counts;
    recent = recent == null ? List.of() : List.copyOf(recent);
  }

  /** An empty log for a key never written. */
  public static DeliveryStatus empty(String target, String source, String projectId) {
    return new DeliveryStatus(target, source, projectId, null, null, Counts.ZERO, null, null, 0, 0, List.of(), null);
  }

  /**
   * One call, as a subscription's recent attempts show it (GitHub's "recent deliveries").
   *
   * @param id this attempt's id, for {@code resend}
   * @param outcome success, retry or dead_letter
   * @param requestHeaders as sent, secret values masked
   * @param body the start of the response body
   * @param record where the delivered action record is ({@code topic-partition@offset}), to send it again
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Attempt(String id, String eventId, String actionId, int attempt, Instant at, String outcome,
      String method, String url, Map<String, String> requestHeaders, Integer statusCode, Long latencyMs, String body,
      String error, String record) {
  }

  /**
   * @param statusCode the HTTP status, or null when no answer came (network error, timeout, refused)
   * @param message the reason phrase or what went wrong
   */
  public record LastCall(Integer statusCode, String message, Instant date) {
  }

  /** @param body the start of the response body (at most 2 KB): JSON when it was complete JSON, else text */
  public record LastError(Integer statusCode, String message, JsonNode body, Instant date) {
  }

  /**
   * @param attempts calls made
   * @param successes calls that succeeded
   * @param failures calls that failed
   * @param retries retries scheduled after a failed call
   * @param deadLetters actions given up and written to the dead-letter topic
   * @param deferred actions postponed without a call (breaker open, rate limit queue full, not yet due)
   */
  public record Counts(long attempts, long successes, long failures, long retries, long deadLetters, long deferred) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);
  }
}
