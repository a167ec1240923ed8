package io.hookgate.jobs;

import io.hookgate.actions.ActionRecord;
import io.hookgate.rules.SubscriptionReplay;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a job writes again of a record it reads: for a recover, the delivery of an event its subscription's filter
 * matches (as the live matching made it); for a redrive, a dead letter of its target (and of its ids, if given),
 * as one more series of attempts. Either keeps the action's id, so the receiver's Idempotency-Key, and is marked
 * resent at the job's creation.
 */
final class JobSelection {
  private final JobsContext jobs;
  private final Job job;
  private final SubscriptionReplay replay;

  JobSelection(JobsContext jobs, Job job) {
    this.jobs = jobs;
    this.job = job;
    Job.Spec spec = job.spec();
    this.replay = spec.readsDeadLetters() ? null : jobs.subscriptions().get(spec.subscription())
        .map(s -> new SubscriptionReplay(s, jobs.expressions(), jobs.mapper(), job.createdAt())).orElse(null);
  }

  /** False when there is nothing to select with: a recover of a subscription that does not exist. */
  boolean possible() {
    return job.spec().readsDeadLetters() || replay != null;
  }

  Optional<ActionRecord> select(ConsumerRecord<String, byte[]> record) {
    Instant now = jobs.clock().instant();
    if (replay != null) {
      return replay.deliveryOf(record, now);
    }
    ActionRecord a;
    try {
      a = jobs.codec().read(record.value());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Job.Spec spec = job.spec();
    String ref = record.partition() + "@" + record.offset();
    if (!spec.targetName().equals(a.target()) || spec.ids() != null && !spec.ids().contains(a.id())
        && !spec.ids().contains(ref)) {
      return Optional.empty();
    }
    return Optional.of(new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(),
        a.target(), a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), 1, now, null, null, a.trace(),
        job.createdAt()));
  }
}
