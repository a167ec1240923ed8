package io.hookgate.jobs;

import io.hookgate.actions.ActionRecord;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job running on this replica: a reader of the events topic (recover) or of the dead-letter topic (redrive,
 * recover of what failed) from the job's positions to its ends, one record at a time, writing again to the actions
 * topic what is for the job, in order, at most {@code rate} a second. Its progress is written every second once the
 * writes before it are acknowledged, so that another replica continues it where it was (what is written again after
 * a crash has the same action ids, which receivers use to drop it). Runs on the runner's context.
 */
final class JobRun {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
  private static final long PERSIST_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final JobsContext jobs;
  private final Consumer<Job> finished;
  private Job job;
  private final Map<Integer, Long> positions;
  private final Map<Integer, Long> ends;
  private final List<String> redriven;
  private final JobSelection selection;
  private final RateBudget budget;
  private final List<Future<?>> writes = new ArrayList<>();
  private Future<Void> previous = Future.succeededFuture();
  private long read;
  private long matched;
  private long sent;
  private ConsumerLoop reader;
  private long timer = -1;
  private boolean stopped;

  /**
   * @param job with its positions and ends set
   * @param finished told once the job is done, failed or cancelled (and written so)
   */
  JobRun(Vertx vertx, Context context, JobsContext jobs, Job job, Consumer<Job> finished) {
    this.vertx = vertx;
    this.context = context;
    this.jobs = jobs;
    this.finished = finished;
    this.job = job;
    this.positions = new HashMap<>(job.progress().positions());
    this.ends = job.progress().ends();
    this.redriven = new ArrayList<>(job.progress().redriven());
    this.read = job.progress().read();
    this.matched = job.progress().matched();
    this.sent = job.progress().sent();
    this.budget = new RateBudget(vertx, jobs.rate());
    this.selection = new JobSelection(jobs, job);
  }

  String id() {
    return job.id();
  }

  void start() {
    Job.Spec spec = job.spec();
    if (!selection.possible()) {
      end(Job.FAILED, "subscription " + spec.subscription() + " does not exist");
      return;
    }
    if (reachedEnds()) {
      end(Job.DONE, null);
      return;
    }
    String topic = spec.readsDeadLetters() ? jobs.topics().deadLetter() : jobs.topics().events();
    reader = new ConsumerLoop(ConsumerSettings.wholeTopic("hookgate-job-" + job.id(), jobs.readerProperties(), topic,
        ConsumerSettings.StartAt.offsets(positions)).withMaxInFlight(1), this::read, context, null, null);
    reader.start();
    timer = vertx.setPeriodic(PERSIST_MS, t -> persist(Job.RUNNING, null));
    LOG.info("Job {} ({} of {}) running from {} to {}", job.id(), spec.kind(), spec.targetName(), positions, ends);
  }

  private boolean reachedEnds() {
    return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /**
   * The reader hands out a poll's records at once: each waits for the one before, so that the job's positions and
   * counts move together, in order, and nothing is written once it is stopped.
   */
  private Future<Void> read(ConsumerRecord<String, byte[]> record) {
    previous = previous.transform(ar -> handle(record));
    return previous;
  }

  /** One record: written again if it is for the job, after a token of the budget. */
  private Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    if (stopped) {
      return Future.succeededFuture();
    }
    int p = record.partition();
    if (record.offset() >= ends.getOrDefault(p, 0L)) {
      positions.merge(p, record.offset(), Math::max);
      checkDone();
      return Future.succeededFuture();
    }
    Optional<ActionRecord> again = selection.select(record);
    if (again.isEmpty()) {
      read++;
      positions.put(p, record.offset() + 1);
      checkDone();
      return Future.succeededFuture();
    }
    return budget.take().map(v -> {
      if (stopped) {
        return null;
      }
      read++;
      matched++;
      ActionRecord a = again.get();
      writes.add(jobs.publisher().publish(context, new ProducerRecord<>(jobs.topics().actions(), a.target(),
          jobs.codec().write(a))));
      sent++;
      if (job.spec().readsDeadLetters() && redriven.size() < Job.Progress.KEPT) {
        redriven.add(p + "@" + record.offset());
      }
      positions.put(p, record.offset() + 1);
      checkDone();
      return null;
    });
  }

  private void checkDone() {
    if (!stopped && reachedEnds()) {
      end(Job.DONE, null);
    }
  }

  /** Stops here without ending the job (another replica takes it on). */
  void stop() {
    if (!stopped) {
      stopped = true;
      halt();
      persist(Job.RUNNING, null);
    }
  }

  /** Ends it: stops reading, waits for what was written, writes how it ended. */
  void end(String status, String error) {
    if (stopped && !Job.CANCELLED.equals(status)) {
      return;
    }
    stopped = true;
    halt();
    persist(status, error).onComplete(ar -> {
      LOG.info("Job {} {}: {} read, {} for it, {} written again{}", job.id(), status, read, matched, sent,
          error == null ? "" : " (" + error + ")");
      finished.accept(job);
    });
  }

  private void halt() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (reader != null) {
      reader.stop();
    }
    budget.close();
  }

  /**
   * Writes the progress as of now (positions and counts taken together), once every write made before now is
   * acknowledged: a replica continuing from it neither skips nor counts twice.
   */
  private Future<Void> persist(String status, String error) {
    List<Future<?>> before = List.copyOf(writes);
    writes.clear();
    Job.Progress progress = new Job.Progress(positions, ends, read, matched, sent, redriven);
    Promise<Void> done = Promise.promise();
    Future.join(before).onComplete(ar -> {
      String err = ar.failed() && error == null ? "a write failed: " + ar.cause().getMessage() : error;
      String st = ar.failed() ? Job.FAILED : status;
      job = job.with(st, progress, jobs.clock().instant(), err);
      JobWrites.write(jobs, context, job).onComplete(w -> done.complete());
    });
    return done.future();
  }
}
