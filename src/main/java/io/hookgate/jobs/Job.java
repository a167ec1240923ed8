package io.hookgate.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookgate.subscriptions.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A replay of a subscription's deliveries (recover) or of dead letters (redrive), as the jobs topic keeps it: what
 * it does, how far it has got, how it ended. Written by whoever creates it, then only by the replica that runs it.
 *
 * @param status running, done, failed or cancelled
 * @param progress how far it has got; its positions let another replica continue it after a restart
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(String id, Spec spec, String status, Instant createdAt, Instant updatedAt, Instant finishedAt,
    Progress progress, String error) {

  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /**
   * What a job does.
   *
   * @param kind recover (a subscription's events of a time range, again) or redrive (dead letters, again)
   * @param subscription whose deliveries; null for a redrive by target
   * @param target for a redrive by target: a configured target's name
   * @param since inclusive; null from the start of what Kafka keeps
   * @param until exclusive; null up to when the job started
   * @param onlyFailed recover only what was given up (its dead letters)
   * @param ids a redrive of these dead letters only (action ids or {@code partition@offset}); null for all
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(String kind, String subscription, String target, Instant since, Instant until,
      boolean onlyFailed, List<String> ids) {

    /** What the job is keyed like, so that it runs where this key's subscription changes are written. */
    public String ownerKey() {
      return subscription != null ? subscription : target;
    }

    /** The target name of what it delivers again. */
    public String targetName() {
      return subscription != null ? Subscription.TARGET_PREFIX + subscription : target;
    }

    /** Whether it reads the dead-letter topic rather than the events topic. */
    public boolean readsDeadLetters() {
      return kind.equals("redrive") || onlyFailed;
    }
  }

  /**
   * How far a job has got.
   *
   * @param positions the next offset to read, by partition of the topic it reads
   * @param ends where it stops, by partition (exclusive)
   * @param read records read; {@code matched} those that were for it; {@code sent} those written again
   * @param redriven the dead letters it sent again ({@code partition@offset}), the first {@value #KEPT}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Progress(Map<Integer, Long> positions, Map<Integer, Long> ends, long read, long matched, long sent,
      List<String> redriven) {
    public static final int KEPT = 10_000;

    public Progress {
      positions = positions == null ? Map.of() : Map.copyOf(positions);
      ends = ends == null ? Map.of() : Map.copyOf(ends);
      redriven = redriven == null ? List.of() : List.copyOf(redriven);
    }
  }

  public boolean finished() {
    return !RUNNING.equals(status);
  }

  Job with(String newStatus, Progress p, Instant now, String err) {
    return new Job(id, spec, newStatus, createdAt, now, RUNNING.equals(newStatus) ? null : now, p, err);
  }
}
