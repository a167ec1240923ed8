package io.hookgate.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

/**
 * A {@link ConsumerLoop} as a verticle, for a handler that needs nothing else of its own: its records are
 * handled on this verticle's context (deploy it as a worker when the handler may block). Deploy it N times,
 * in as many replicas as wanted, and the instances share the topic's partitions through their group. Start
 * completes once subscribed; stop once the records in flight are drained, committed and the group left.
 */
public final class ConsumerVerticle extends VerticleBase {
  private final ConsumerSettings settings;
  private final ConsumerLoop.RecordHandler handler;
  private final MeterRegistry meters;
  private final ConsumerProgress progress;
  private ConsumerLoop loop;

  public ConsumerVerticle(ConsumerSettings settings, ConsumerLoop.RecordHandler handler, MeterRegistry meters,
      ConsumerProgress progress) {
    this.settings = settings;
    this.handler = handler;
    this.meters = meters;
    this.progress = progress;
  }

  @Override
  public Future<?> start() {
    loop = new ConsumerLoop(settings, handler, context, meters, progress);
    return loop.start();
  }

  /**
   * For a whole-topic reader (a module's store): deploys it and completes once it has handed out what the topic
   * held when it started, so that the module starts on the state as it was.
   */
  public Future<Void> deployAndCatchUp(Vertx vertx) {
    return vertx.deployVerticle(this).compose(id -> caughtUp());
  }

  /** For a whole-topic reader: completes once it has handed out what the topic held when it started. */
  public Future<Void> caughtUp() {
    return loop == null ? Future.failedFuture("not started") : loop.caughtUp();
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }
}
