package io.hookgate.pull;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * One {@code kili-subscription} source as the management API and health see it: its projects' pulls, held by one
 * replica at a time ({@link PullOwners}), paused and resumed together. A pause or resume asked of any replica is
 * written to the positions topic, where the replica holding the source reads it (and survives restarts).
 */
public final class PullSource {
  private final String name;
  private final List<ProjectPull> pulls;
  private final PullPositions positions;
  private PullVerticle verticle;
  private volatile boolean paused;
  private volatile boolean held;

  PullSource(String name, List<ProjectPull> pulls, PullPositions positions) {
    this.name = name;
    this.pulls = List.copyOf(pulls);
    this.positions = positions;
  }

  public String name() {
    return name;
  }

  /** Paused, as this replica last knew it (the replica holding the source knows it as written). */
  public boolean paused() {
    return paused;
  }

  /** Whether this replica holds the source's subscriptions now (another one does otherwise). */
  public boolean held() {
    return held;
  }

  public List<ProjectStatus> projects() {
    return pulls.stream().map(ProjectPull::status).toList();
  }

  List<ProjectPull> pulls() {
    return pulls;
  }

  void running(PullVerticle v, boolean pausedAtStart) {
    this.verticle = v;
    this.paused = pausedAtStart;
  }

  /** This replica holds the source now: each project starts from its stored position. */
  void take(Map<String, PullPosition> stored, boolean pausedNow) {
    held = true;
    paused = pausedNow;
    verticle.each(p -> p.activate(stored.get(PullPosition.key(name, p.projectId())), pausedNow));
  }

  /** Another replica holds the source now. */
  void standby() {
    held = false;
    verticle.each(ProjectPull::standby);
  }

  /** A pause or resume read from the topic, for the source this replica holds. */
  void applyPaused(boolean pausedNow) {
    paused = pausedNow;
    verticle.each(pausedNow ? ProjectPull::pause : ProjectPull::resume);
  }

  /**
   * Closes every project's subscription, wherever the source is held; Kili's labels wait there until
   * {@link #resume}. Completes once the pause is stored (and, on the replica holding the source, applied).
   */
  public Future<Void> pause() {
    return ask(true);
  }

  /** Subscribes again; each project's backfill writes what was created while paused. */
  public Future<Void> resume() {
    return ask(false);
  }

  private Future<Void> ask(boolean pausedNow) {
    if (verticle == null) {
      return Future.failedFuture("the pull of " + name + " has not started yet");
    }
    return positions.savePaused(verticle.pullContext(), name, pausedNow).compose(v -> {
      paused = pausedNow;
      return held ? verticle.each(pausedNow ? ProjectPull::pause : ProjectPull::resume) : Future.succeededFuture();
    });
  }
}
