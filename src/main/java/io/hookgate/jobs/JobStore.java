package io.hookgate.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.kafka.ConsumerLoop;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every job, as the compacted jobs topic holds them (key = job id; {@code <id>/cancel} marks a cancellation
 * asked for): read in full by every replica and followed, so that any replica answers for any job.
 */
final class JobStore implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
  static final String CANCEL = "/cancel";

  private final ObjectMapper mapper;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<String, Job>> listeners = new CopyOnWriteArrayList<>();

  JobStore(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  Optional<Job> get(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  List<Job> all() {
    return jobs.values().stream().sorted(Comparator.comparing(Job::createdAt)).toList();
  }

  boolean cancelAsked(String id) {
    return cancelled.contains(id);
  }

  /** Told of every change, on the store's context. */
  void listen(BiConsumer<String, Job> listener) {
    listeners.add(listener);
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> r) {
    String key = r.key();
    if (key == null) {
      return Future.succeededFuture();
    }
    if (key.endsWith(CANCEL)) {
      String id = key.substring(0, key.length() - CANCEL.length());
      if (r.value() != null && cancelled.add(id)) {
        listeners.forEach(l -> l.accept(id, jobs.get(id)));
      }
      return Future.succeededFuture();
    }
    if (r.value() == null) {
      jobs.remove(key);
      return Future.succeededFuture();
    }
    try {
      Job job = mapper.readValue(r.value(), Job.class);
      Job known = jobs.get(key);
      if (known != null && known.finished() && !job.finished()) {
        // a replica that stopped running it wrote its progress late, after another had finished it
        return Future.succeededFuture();
      }
      jobs.put(key, job);
      listeners.forEach(l -> l.accept(key, job));
    } catch (Exception e) {
      LOG.warn("Jobs: record {} at {}-{}@{} is not a job; skipped", key, r.topic(), r.partition(), r.offset());
    }
    return Future.succeededFuture();
  }
}
