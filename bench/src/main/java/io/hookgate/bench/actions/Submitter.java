package io.hookgate.bench.actions;

import io.vertx.core.Future;

/**
 * The one step that differs between the phases that follow events to the sink: how an event enters the
 * gateway. {@link WebhookPoster} posts a webhook to its ingress; {@link EventRecordReplayer} writes the
 * record the ingress would have written straight into the events topic. {@link EventSender} does the rest
 * (window, arrivals, late and lost events). Called on the driver's event loop; the future completes there.
 */
interface Submitter {
  /**
   * Submits event {@code id}. Completes with the {@link System#nanoTime()} at which the gateway had it (the
   * webhook's 202 read, or the broker's acknowledgement of the record); fails with {@link Refused} when the
   * gateway refused it, and with any other exception on a connection or Kafka error.
   */
  Future<Long> submit(String id);

  /** The gateway answered, and not with 202: a refusal, not a transport error. No stack trace. */
  final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }
}
