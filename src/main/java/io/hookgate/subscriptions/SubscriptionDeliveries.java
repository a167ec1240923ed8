package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookgate.delivery.DeliveryStatus;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the delivery side knows and does for subscriptions, as the management API asks it: the delivery log
 * ({@code lastCall}, {@code lastError}, counts, breaker), the recent attempts, a test delivery, a resend.
 */
public interface SubscriptionDeliveries {

  /** The subscription's delivery log, kept across updates of the subscription; empty before its first delivery. */
  Optional<DeliveryStatus> log(String id);

  /** The state of its circuit breaker on this replica: closed, open or half-open. */
  String breaker(String id);

  /** Deliveries held while it is paused, not yet delivered; 0 when none. */
  long waiting(String id);

  /**
   * Sends a sample signed event now (V7's test button, Svix's send-example) and answers with what the receiver
   * said; recorded as the subscription's {@code lastCall} and in its attempts.
   */
  Future<TestResult> test(Subscription subscription);

  /**
   * Recent attempts, newest first.
   *
   * @param status all when null; else success, failure (retry and dead_letter), or one outcome
   * @param cursor from a previous page's {@code nextCursor}; null for the first page
   */
  AttemptPage attempts(String id, String status, int limit, String cursor);

  /**
   * Delivers the event of an attempt again, with the same idempotency key; completes once the delivery is
   * queued (its outcome shows in the attempts). Fails with {@link java.util.NoSuchElementException} when there
   * is no such attempt, or when its event is no longer in Kafka.
   */
  Future<Resent> resend(String id, String attemptId);

  /** A test delivery: the receiver's answer, or {@code error} when none came. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TestResult(Integer statusCode, long latencyMs, String body, String error) {
  }

  /**
   * One call to a subscription's receiver.
   *
   * @param outcome success, retry, dead_letter (the retry policy gave up or the answer was permanent)
   * @param requestHeaders as sent, secrets masked
   * @param body the start of the response body
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Attempt(String id, String eventId, String actionId, int attempt, Instant at, String outcome,
      String method, String url, Map<String, String> requestHeaders, Integer statusCode, Long latencyMs,
      String body, String error) {
  }

  /** A page of attempts; {@code nextCursor} null on the last page. */
  record AttemptPage(List<Attempt> attempts, String nextCursor) {
  }

  /** A resend queued: the action delivered again, with the idempotency key it had. */
  record Resent(String actionId, String eventId) {
  }
}
