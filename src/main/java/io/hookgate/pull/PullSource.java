package io.hookgate.pull;

import io.vertx.core.Future;
import java.util.List;

/**
 * One {@code kili-subscription} source as the management API and health see it: its projects' pulls, paused and
 * resumed together.
 */
public final class PullSource {
  private final String name;
  private final List<ProjectPull> pulls;
  private PullVerticle verticle;
  private volatile boolean paused;

  PullSource(String name, List<ProjectPull> pulls) {
    this.name = name;
    this.pulls = List.copyOf(pulls);
  }

  public String name() {
    return name;
  }

  public boolean paused() {
    return paused;
  }

  public List<ProjectStatus> projects() {
    return pulls.stream().map(ProjectPull::status).toList();
  }

  List<ProjectPull> pulls() {
    return pulls;
  }

  void running(PullVerticle v) {
    this.verticle = v;
  }

  /** Closes every project's subscription; Kili's labels wait there until {@link #resume}. */
  public Future<Void> pause() {
    paused = true;
    return verticle == null ? Future.succeededFuture() : verticle.each(ProjectPull::pause);
  }

  /** Subscribes again; each project's backfill writes what was created while paused. */
  public Future<Void> resume() {
    paused = false;
    return verticle == null ? Future.succeededFuture() : verticle.each(ProjectPull::resume);
  }
}
