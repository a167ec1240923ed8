package io.hookgate.ingress;

import io.hookgate.config.IngressConfig;
import io.hookgate.event.EventPublisher;
import io.hookgate.http.Problem;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an accepted webhook's record to Kafka; the future completes once Kafka has acknowledged it, and fails
 * with a {@link Refused} otherwise: 413 for a record too large for Kafka, 503 with {@code Retry-After} for
 * anything else. The failed writes are logged, at most one line per 10 s. One per verticle: only its event loop
 * touches it.
 */
public final class IngressPublisher {
  /** The ingress's category: operators filter the "Kafka write failed" lines by it. */
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);
  private static final long FAILURE_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

  private final EventPublisher publisher;
  private final IngressConfig config;
  private final GatewayMetrics metrics;
  private final LongSupplier nanoTime;
  /** When a failed Kafka write was last logged (0: never), and how many failed since without a line. */
  private long failureLoggedAt;
  private long failuresNotLogged;

  /** @param nanoTime {@link System#nanoTime}, or a clock a test moves */
  public IngressPublisher(EventPublisher publisher, IngressConfig config, GatewayMetrics metrics,
      LongSupplier nanoTime) {
    this.publisher = publisher;
    this.config = config;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  /** @param context the verticle's: the future completes there */
  public Future<IngressEvent> publish(Context context, IngressEvent event) {
    long started = nanoTime.getAsLong();
    String source = event.source().name();
    // No timer of our own: the producer fails a record it could not get acknowledged within
    // delivery.timeout.ms, which KafkaClientFactory sets to ingress.publishTimeout, and send() never blocks.
    return publisher.publish(context, event.record()).transform(ar -> {
      long elapsed = nanoTime.getAsLong() - started;
      if (ar.succeeded()) {
        metrics.publishLatency(source, "ok", elapsed);
        return Future.succeededFuture(event);
      }
      Throwable err = ar.cause();
      if (err instanceof RecordTooLargeException) {
        // Permanent: the same body makes the same record, so a 503 would have the sender retry for ever.
        metrics.publishLatency(source, "too_large", elapsed);
        return Future.failedFuture(new Refused(Refusal.of(event.source(), Problem.of(413, "body_too_large",
            "Content Too Large", "the event made of this " + event.bodyBytes() + "-byte body ("
                + event.record().value().length + " bytes of data: the body and what hookgate reads from it) is"
                + " larger than Kafka accepts in one record; send a smaller body"))));
      }
      boolean timedOut = err instanceof TimeoutException;
      metrics.kafkaError(err.getClass().getSimpleName());
      metrics.publishLatency(source, timedOut ? "timeout" : "error", elapsed);
      warnPublishFailure(event.id(), source, err);
      // A TimeoutException at once is the producer's "no metadata" (send never waits): the broker is not
      // reachable, which is not the same as a write left unacknowledged for the whole publish timeout.
      boolean waited = elapsed >= config.publishTimeout().toNanos() / 2;
      String detail = timedOut && waited
          ? "Kafka did not acknowledge the event within " + config.publishTimeout().toMillis() + "ms; retry later"
          : timedOut ? "Kafka is not reachable (the topic's partitions are unknown); retry later"
          : "the event could not be stored in Kafka; retry later";
      String retryAfter = Long.toString(Math.max(1, config.retryAfter().toSeconds()));
      return Future.failedFuture(new Refused(Refusal.of(event.source(),
          Problem.of(503, "kafka_unavailable", "Service Unavailable", detail))
          .withHeader(HttpHeaders.RETRY_AFTER.toString(), retryAfter)));
    });
  }

  /**
   * At most one line per {@link #FAILURE_LOG_INTERVAL_NANOS}, saying how many more failed meanwhile: while
   * Kafka is away every webhook fails alike, and a line for each was thousands of lines a minute (the
   * metrics count every one).
   */
  private void warnPublishFailure(String id, String source, Throwable err) {
    long now = nanoTime.getAsLong();
    if (failureLoggedAt != 0 && now - failureLoggedAt < FAILURE_LOG_INTERVAL_NANOS) {
      failuresNotLogged++;
      return;
    }
    LOG.warn("Kafka write failed for event {} from source {}: {}{}", id, source, err.toString(), failuresNotLogged == 0
        ? "" : " (" + failuresNotLogged + " more failed writes since the last such line)");
    failureLoggedAt = now;
    failuresNotLogged = 0;
  }
}
