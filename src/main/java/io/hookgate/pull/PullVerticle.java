package io.hookgate.pull;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.function.Consumer;

/**
 * The event loop a source's project pulls run on: labels come at a labeler's pace, so one is plenty. Stopping it
 * (when Vert.x closes) ends each subscription as the protocol asks.
 */
final class PullVerticle extends VerticleBase {
  private final PullSource source;

  PullVerticle(PullSource source) {
    this.source = source;
  }

  /** Every project on standby until {@link PullOwners} says this replica holds the source. */
  @Override
  public Future<?> start() {
    for (ProjectPull p : source.pulls()) {
      p.start(context);
    }
    return Future.succeededFuture();
  }

  /** The context the pulls run on. */
  Context pullContext() {
    return context;
  }

  @Override
  public Future<?> stop() {
    source.pulls().forEach(ProjectPull::stop);
    return Future.succeededFuture();
  }

  /** Runs {@code action} on each pull, on this verticle's event loop; completes once it has. */
  Future<Void> each(Consumer<ProjectPull> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      source.pulls().forEach(action);
      done.complete();
    });
    return done.future();
  }
}
