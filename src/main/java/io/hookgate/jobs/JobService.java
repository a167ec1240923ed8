package io.hookgate.jobs;

import io.hookgate.actions.ActionRecord;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The jobs one may ask for, from any replica: a recover of a subscription's deliveries over a time range (or of
 * what it gave up), a redrive of dead letters, their dry runs, and a cancellation. A job is written to the jobs
 * topic with the offsets it starts and ends at, found by time when it is asked for, and is run by the replica
 * that writes for its subscription or target (see {@link JobRunner}).
 */
public final class JobService {
  /** How long a dry run may read. */
  static final Duration DRY_RUN_LIMIT = Duration.ofMinutes(2);
  static final int SAMPLE = 10;

  /** A dry run's answer: how many would be written again, and the first ones' event ids. */
  public record DryRun(long count, List<String> sample) {
  }

  private final Vertx vertx;
  private final JobsContext jobs;

  JobService(Vertx vertx, JobsContext jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
  }

  public Optional<Job> get(String id) {
    return jobs.store().get(id);
  }

  public List<Job> all() {
    return jobs.store().all();
  }

  /** A recover of a subscription's events in [since, until) (or of what it gave up, with {@code onlyFailed}). */
  public Future<Job> recover(String subscription, Instant since, Instant until, boolean onlyFailed) {
    if (jobs.subscriptions().get(subscription).isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no subscription " + subscription));
    }
    return create(new Job.Spec("recover", subscription, null, since, until, onlyFailed, null));
  }

  /** A redrive of the dead letters of a subscription or a target, since a time, or of some of them. */
  public Future<Job> redrive(String subscription, String target, Instant since, List<String> ids) {
    if (subscription != null && jobs.subscriptions().get(subscription).isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no subscription " + subscription));
    }
    return create(new Job.Spec("redrive", subscription, target, since, null, false, ids));
  }

  /** What a recover or redrive would write again, read now without writing anything. */
  public Future<DryRun> dryRun(Job.Spec spec) {
    if (spec.subscription() != null && jobs.subscriptions().get(spec.subscription()).isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no subscription " + spec.subscription()));
    }
    Instant now = jobs.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    return bounds(spec).compose(job -> dryRun(new Job("dry-run-" + UUID.randomUUID(), spec, Job.RUNNING, now, now,
        null, job, null)));
  }

  private Future<DryRun> dryRun(Job job) {
    Map<Integer, Long> ends = job.progress().ends();
    Map<Integer, Long> at = new HashMap<>(job.progress().positions());
    if (ends.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
      return Future.succeededFuture(new DryRun(0, List.of()));
    }
    JobSelection selection = new JobSelection(jobs, job);
    Context context = vertx.getOrCreateContext();
    Promise<DryRun> done = Promise.promise();
    long[] count = {0};
    List<String> sample = new ArrayList<>();
    String topic = job.spec().readsDeadLetters() ? jobs.topics().deadLetter() : jobs.topics().events();
    ConsumerLoop reader = new ConsumerLoop(ConsumerSettings.wholeTopic("hookgate-dry-run", jobs.readerProperties(),
        topic, ConsumerSettings.StartAt.offsets(at)), record -> {
          int p = record.partition();
          if (record.offset() < ends.getOrDefault(p, 0L)) {
            Optional<ActionRecord> again = selection.select(record);
            if (again.isPresent()) {
              count[0]++;
              if (sample.size() < SAMPLE) {
                sample.add(again.get().eventId());
              }
            }
          }
          at.put(p, Math.max(at.getOrDefault(p, 0L), record.offset() + 1));
          if (ends.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
            done.tryComplete(new DryRun(count[0], List.copyOf(sample)));
          }
          return Future.succeededFuture();
        }, context, null, null);
    reader.start();
    long timer = vertx.setTimer(DRY_RUN_LIMIT.toMillis(), t -> done.tryFail(new TimeoutException(
        "the dry run read for " + DRY_RUN_LIMIT.toMinutes() + " minutes without reaching the end; narrow the range")));
    return done.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      reader.stop();
    });
  }

  /** Asks the replica that runs it to stop it; the job then says {@code cancelled}. */
  public Future<Job> cancel(String id) {
    Optional<Job> job = get(id);
    if (job.isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no job " + id));
    }
    if (job.get().finished()) {
      return Future.succeededFuture(job.get());
    }
    return JobWrites.cancel(jobs, vertx.getOrCreateContext(), id).map(job.get());
  }

  private Future<Job> create(Job.Spec spec) {
    Instant now = jobs.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    String id = "job_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    return bounds(spec).compose(progress -> {
      Job job = new Job(id, spec, Job.RUNNING, now, now, null, progress, null);
      return JobWrites.write(jobs, vertx.getOrCreateContext(), job).compose(v -> readBack(id));
    });
  }

  /** Where the job starts and ends in the topic it reads, found by time now. */
  private Future<Job.Progress> bounds(Job.Spec spec) {
    String topic = spec.readsDeadLetters() ? jobs.topics().deadLetter() : jobs.topics().events();
    return vertx.executeBlocking(() -> {
      Map<Integer, Long> from = Offsets.at(jobs.admin(), topic, spec.since(), true);
      Map<Integer, Long> to = Offsets.at(jobs.admin(), topic, spec.until(), false);
      return new Job.Progress(from, to, 0, 0, 0, null);
    }, false);
  }

  /** Once this replica's store has the job: a read after the answer finds it. */
  private Future<Job> readBack(String id) {
    Promise<Job> found = Promise.promise();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    vertx.setPeriodic(0, 20, t -> {
      Optional<Job> job = get(id);
      if (job.isPresent() || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        job.ifPresentOrElse(found::tryComplete, () -> found.tryFail(new TimeoutException(
            "job " + id + " was written but not read back within 10s")));
      }
    });
    return found.future();
  }
}
