package io.hookgate.subscriptions;

import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Runs the {@link SubscriptionWriter} of this replica on a context of its own. */
final class WriterVerticle extends VerticleBase {
  private final ConsumerSettings settings;
  private final SubscriptionWriter writer;
  private ConsumerLoop loop;

  WriterVerticle(ConsumerSettings settings, SubscriptionWriter writer) {
    this.settings = settings;
    this.writer = writer;
  }

  @Override
  public Future<?> start() {
    writer.bind(vertx, context);
    loop = new ConsumerLoop(settings, writer, context, null, null);
    return loop.start();
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }
}
