package io.hookgate.pull;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The event loop a source's project pulls run on: labels come at a labeler's pace, so one is plenty. Stopping it
 * (when Vert.x closes) ends each subscription as the protocol asks.
 */
final class PullVerticle extends VerticleBase {
  private final PullSource source;
  private final Map<String, PullPosition> positions;

  /** @param positions the stored positions by {@code <source>/<project>} */
  PullVerticle(PullSource source, Map<String, PullPosition> positions) {
    this.source = source;
    this.positions = positions;
  }

  @Override
  public Future<?> start() {
    for (ProjectPull p : source.pulls()) {
      p.start(context, positions.get(PullPosition.key(source.name(), p.projectId())), source.paused());
    }
    return Future.succeededFuture();
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
