package io.hookgate.jobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A job's record in the jobs topic, key = its id. */
final class JobWrites {
  private JobWrites() {
  }

  static Future<Void> write(JobsContext jobs, Context context, Job job) {
    byte[] value;
    try {
      value = jobs.mapper().writeValueAsBytes(job);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return jobs.publisher().publish(context, new ProducerRecord<>(jobs.topics().jobs(), job.id(), value)).mapEmpty();
  }

  /** Asks the replica running it to stop it. */
  static Future<Void> cancel(JobsContext jobs, Context context, String id) {
    return jobs.publisher().publish(context, new ProducerRecord<>(jobs.topics().jobs(), id + JobStore.CANCEL,
        "{\"cancel\":true}".getBytes(StandardCharsets.UTF_8))).mapEmpty();
  }
}
