package io.hookgate.jobs;

import io.hookgate.event.OperationalEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs that are this replica's: those keyed (by their subscription or target) to a partition of the
 * subscriptions' commands topic that this replica writes for, so that each job runs on one replica at a time and
 * another takes it on, from where it was, when that one goes. A job asked to stop is stopped where it runs.
 */
final class JobRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final JobsContext jobs;
  private final Map<String, JobRun> running = new HashMap<>();
  private Set<Integer> owned = new HashSet<>();

  JobRunner(JobsContext jobs) {
    this.jobs = jobs;
  }

  @Override
  public Future<?> start() {
    jobs.store().listen((id, job) -> context.runOnContext(v -> reconcile()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    List.copyOf(running.values()).forEach(JobRun::stop);
    running.clear();
    return Future.succeededFuture();
  }

  /** The partitions of the commands topic this replica writes for, from the subscriptions' writer. */
  void owned(Set<Integer> partitions) {
    context.runOnContext(v -> {
      owned = Set.copyOf(partitions);
      reconcile();
    });
  }

  private void reconcile() {
    for (Job job : jobs.store().all()) {
      JobRun run = running.get(job.id());
      if (job.finished()) {
        continue;
      }
      boolean mine = mine(job);
      if (run == null && mine) {
        start(job);
      } else if (run != null && !mine) {
        running.remove(job.id());
        run.stop();
      } else if (run != null && jobs.store().cancelAsked(job.id())) {
        run.end(Job.CANCELLED, "cancelled");
      }
    }
  }

  private boolean mine(Job job) {
    try {
      return owned.contains(jobs.publisher().partitionFor(jobs.topics().commands(), job.spec().ownerKey()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void start(Job job) {
    if (jobs.store().cancelAsked(job.id())) {
      JobWrites.write(jobs, context, job.with(Job.CANCELLED, job.progress(), jobs.clock().instant(), "cancelled"));
      return;
    }
    JobRun run = new JobRun(vertx, context, jobs, job, this::finished);
    running.put(job.id(), run);
    run.start();
  }

  private void finished(Job job) {
    running.remove(job.id());
    Job now = job;
    if (jobs.operations() != null && "recover".equals(job.spec().kind()) && job.spec().subscription() != null) {
      var data = jobs.operations().data().put("subscription", job.spec().subscription()).put("jobId", job.id())
          .put("status", now.status());
      if (now.progress() != null) {
        data.put("sent", now.progress().sent());
      }
      ProducerRecord<String, byte[]> record = jobs.operations().record(job.id() + ":recovered",
          OperationalEvents.SUBSCRIPTION_RECOVERED, job.spec().subscription(), data);
      jobs.publisher().publish(context, record).onFailure(e -> LOG.warn("Job {}: its event could not be written: {}",
          job.id(), e.toString()));
    }
  }
}
