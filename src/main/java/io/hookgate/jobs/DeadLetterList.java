package io.hookgate.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hookgate.actions.ActionRecord;
import io.hookgate.http.PageCursor;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.HeaderText;
import io.hookgate.subscriptions.Subscription;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What was given up: the dead-letter topic read from a time to its end, for a subscription or a target (or all),
 * newest first, each with its last error and, when a redrive sent it again, which one. Read when asked: the topic
 * is the list (up to {@value #SCAN_LIMIT} records a request; narrow {@code since} beyond that).
 */
public final class DeadLetterList {
  static final int SCAN_LIMIT = 100_000;
  static final Duration DEFAULT_WINDOW = Duration.ofDays(7);

  /** One dead letter; {@code id} is where it is ({@code partition@offset}), which a redrive may name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeadLetter(String id, String actionId, String eventId, String eventType, String target,
      String subscription, String reason, Integer statusCode, String lastError, int attempts, Instant createdAt,
      Instant deadAt, String redrivenBy) {
  }

  /** A page, newest first; {@code truncated} when the scan limit was reached before the end. */
  public record Page(List<DeadLetter> items, String nextCursor, boolean truncated) {
  }

  private final Vertx vertx;
  private final JobsContext jobs;

  DeadLetterList(Vertx vertx, JobsContext jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
  }

  /**
   * @param target a target's name, or {@code subscriptions/<id>}; null for every target
   * @param since from this time on; null for the last 7 days
   */
  public Future<Page> list(String target, Instant since, int limit, String cursor) {
    Instant from = since != null ? since : jobs.clock().instant().minus(DEFAULT_WINDOW);
    String topic = jobs.topics().deadLetter();
    return vertx.executeBlocking(() -> Map.of("from", Offsets.at(jobs.admin(), topic, from, true),
        "to", Offsets.at(jobs.admin(), topic, null, false)), false)
        .compose(bounds -> scan(topic, bounds.get("from"), bounds.get("to"), target))
        .map(scan -> page(scan, limit, cursor));
  }

  private record Scan(List<DeadLetter> found, boolean truncated) {
  }

  private Future<Scan> scan(String topic, Map<Integer, Long> from, Map<Integer, Long> to, String target) {
    Map<Integer, Long> at = new HashMap<>(from);
    if (reached(at, to)) {
      return Future.succeededFuture(new Scan(List.of(), false));
    }
    Map<String, String> redriven = redriven();
    List<DeadLetter> found = new ArrayList<>();
    int[] scanned = {0};
    Promise<Scan> done = Promise.promise();
    ConsumerLoop reader = new ConsumerLoop(ConsumerSettings.wholeTopic("hookgate-dead-letters", jobs.readerProperties(),
        topic, ConsumerSettings.StartAt.offsets(from)), record -> {
          int p = record.partition();
          if (record.offset() < to.getOrDefault(p, 0L)) {
            scanned[0]++;
            DeadLetter d = read(record, redriven);
            if (d != null && (target == null || target.equals(d.target()))) {
              found.add(d);
            }
          }
          at.put(p, Math.max(at.getOrDefault(p, 0L), record.offset() + 1));
          if (reached(at, to) || scanned[0] >= SCAN_LIMIT) {
            done.tryComplete(new Scan(found, scanned[0] >= SCAN_LIMIT && !reached(at, to)));
          }
          return Future.succeededFuture();
        }, vertx.getOrCreateContext(), null, null);
    reader.start();
    long timer = vertx.setTimer(60_000, t -> done.tryFail(new TimeoutException("the dead letters could not be read "
        + "within 60s")));
    return done.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      reader.stop();
    });
  }

  private static boolean reached(Map<Integer, Long> at, Map<Integer, Long> to) {
    return to.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /** Which redrive sent each dead letter again, from the jobs this replica knows. */
  private Map<String, String> redriven() {
    Map<String, String> out = new HashMap<>();
    for (Job job : jobs.store().all()) {
      if (job.spec().readsDeadLetters() && job.progress() != null) {
        job.progress().redriven().forEach(ref -> out.put(ref, job.id()));
      }
    }
    return out;
  }

  private DeadLetter read(ConsumerRecord<String, byte[]> record, Map<String, String> redriven) {
    ActionRecord a;
    try {
      a = jobs.codec().read(record.value());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String ref = record.partition() + "@" + record.offset();
    String status = HeaderText.last(record.headers(), "hookgate-dlq-status");
    return new DeadLetter(ref, a.id(), a.eventId(), a.eventType(), a.target(),
        a.target().startsWith(Subscription.TARGET_PREFIX) ? a.target().substring(Subscription.TARGET_PREFIX.length())
            : null,
        HeaderText.last(record.headers(), "hookgate-dlq-reason"), status == null ? null : Integer.valueOf(status),
        a.lastError(), Math.max(1, a.attempt()), a.createdAt(), Instant.ofEpochMilli(record.timestamp()),
        redriven.get(ref));
  }

  private static Page page(Scan scan, int limit, String cursor) {
    Comparator<DeadLetter> newestFirst = Comparator.comparing(DeadLetter::deadAt).reversed()
        .thenComparing(DeadLetter::id, Comparator.reverseOrder());
    List<DeadLetter> all = scan.found().stream().sorted(newestFirst).toList();
    int from = PageCursor.start(all, cursor, DeadLetter::id);
    List<DeadLetter> items = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit));
    String next = from + limit < all.size() && !items.isEmpty()
        ? PageCursor.after(items.get(items.size() - 1).id()) : null;
    return new Page(items, next, scan.truncated());
  }
}
