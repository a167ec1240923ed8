package io.hookgate.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.delivery.DeliveryOutcome;
import io.hookgate.delivery.DeliveryRecorder;
import io.hookgate.delivery.DeliveryStatus;
import io.hookgate.delivery.DeliveryStatusStore;
import io.hookgate.event.RawJson;
import io.hookgate.http.PageCursor;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The delivery side of subscriptions as the management API sees it: their delivery logs (kept in the
 * delivery-status topic under {@code subscriptions/<id>}, across updates), their recent attempts, a test
 * delivery made at once, and a resend of an attempt's delivery through the actions topic.
 */
final class SubscriptionCalls implements SubscriptionDeliveries {
  /** How long a resend may look for the record it sends again. */
  private static final long FIND_MS = 10_000;

  private final Vertx vertx;
  private final Context context;
  private final ActingContext acting;
  private final SubscriptionTargets targets;
  private final DeliveryStatusStore logs;
  private final DeliveryRecorder recorder;
  private final Map<String, Object> readerProperties;
  private final ActionCaller caller;
  private final WebClient client;

  SubscriptionCalls(Vertx vertx, ActingContext acting, SubscriptionTargets targets, DeliveryStatusStore logs,
      Map<String, Object> readerProperties) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.acting = acting;
    this.targets = targets;
    this.logs = logs;
    this.recorder = acting.recorder();
    this.readerProperties = readerProperties;
    this.caller = new ActionCaller(new SsrfGuard(vertx), ActionKinds.standard(acting.codec().mapper()), acting.clock());
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("hookgate").setFollowRedirects(false));
  }

  @Override
  public Optional<DeliveryStatus> log(String id) {
    return logs.get(DeliveryStatusStore.key(Subscription.TARGET_PREFIX + id));
  }

  @Override
  public String breaker(String id) {
    return targets.existingBreaker(Subscription.TARGET_PREFIX + id).map(b -> b.state().label()).orElse("closed");
  }

  @Override
  public long waiting(String id) {
    return log(id).map(DeliveryStatus::waiting).orElse(0L);
  }

  @Override
  public Future<TestResult> test(Subscription subscription) {
    return Future.<Future<TestResult>>future(p -> context.runOnContext(v -> p.complete(testHere(subscription))))
        .compose(f -> f);
  }

  private Future<TestResult> testHere(Subscription subscription) {
    Optional<SubscriptionTargets.Entry> entry = targets.find(subscription.targetName());
    if (entry.isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no subscription " + subscription.id()));
    }
    Target target = entry.get().target();
    ActionRecord action = sample(subscription);
    ActionCaller.Request request;
    try {
      request = caller.prepare(target, action);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new TestResult(null, 0, null, e.getMessage()));
    }
    long started = System.nanoTime();
    return caller.call(target, client, request).compose(result -> {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      String body = target.redact(result.body());
      String excerpt = OutcomeWriter.excerpt(body);
      String message = target.redact(result.message());
      Instant now = acting.clock().instant().truncatedTo(ChronoUnit.MILLIS);
      DeliveryStatus.Attempt attempt = new DeliveryStatus.Attempt(action.id() + "#1@" + acting.clock().millis(),
          action.eventId(), action.id(), 1, now, "test", request.method().name(), request.uri().toString(),
          target.masked(request.headers()), result.statusCode(), ms, excerpt, result.success() ? null : message, null);
      // Recorded as the last call (and, when it failed, the last error), as any call.
      DeliveryOutcome outcome = new DeliveryOutcome(target.name(), null, null, result.sent(),
          result.success() ? DeliveryOutcome.Result.SUCCESS : DeliveryOutcome.Result.TEST_FAILED, result.statusCode(),
          message, body, now, null, attempt);
      TestResult answer = new TestResult(result.statusCode(), ms, excerpt,
          result.statusCode() == null ? message : null);
      return recorder.record(context, outcome).map(answer).otherwise(answer);
    });
  }

  /** A sample event: a CloudEvent of type {@code hookgate.subscription.test} whose original payload is small. */
  private ActionRecord sample(Subscription s) {
    String id = "test-" + UUID.randomUUID();
    ObjectNode event = acting.codec().mapper().createObjectNode()
        .put("specversion", "1.0")
        .put("id", id)
        .put("source", "/hookgate")
        .put("type", "hookgate.subscription.test")
        .put("time", acting.clock().instant().toString())
        .put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    data.put("subscription", s.id()).put("message", "a test delivery from hookgate");
    data.putObject("original").put("hookgate", "test").put("subscription", s.id());
    byte[] bytes;
    try {
      bytes = acting.codec().mapper().writeValueAsBytes(event);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new ActionRecord(id, id, "hookgate.subscription.test", null, null, "subscriptions", s.targetName(),
        "forward", "POST", "", Map.of(), RawJson.node(bytes), List.of(), 1, acting.clock().instant(), null, null);
  }

  @Override
  public AttemptPage attempts(String id, String status, int limit, String cursor) {
    List<DeliveryStatus.Attempt> all = log(id).map(DeliveryStatus::recent).orElse(List.of());
    int from = PageCursor.start(all, cursor, DeliveryStatus.Attempt::id);
    List<Attempt> page = new ArrayList<>();
    String last = null;
    boolean more = false;
    for (int i = from; i < all.size(); i++) {
      DeliveryStatus.Attempt a = all.get(i);
      if (!wanted(a, status)) {
        continue;
      }
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(new Attempt(a.id(), a.eventId(), a.actionId(), a.attempt(), a.at(), a.outcome(), a.method(), a.url(),
          a.requestHeaders(), a.statusCode(), a.latencyMs(), a.body(), a.error()));
      last = a.id();
    }
    return new AttemptPage(page, more && last != null
        ? PageCursor.after(last) : null);
  }

  private static boolean wanted(DeliveryStatus.Attempt a, String status) {
    if (status == null || status.isEmpty()) {
      return true;
    }
    if (status.equals("failure")) {
      return !a.outcome().equals("success") && !(a.outcome().equals("test") && a.error() == null);
    }
    return status.equals(a.outcome());
  }

  @Override
  public Future<Resent> resend(String id, String attemptId) {
    Optional<DeliveryStatus.Attempt> attempt = log(id).flatMap(l -> l.recent().stream()
        .filter(a -> a.id().equals(attemptId)).findFirst());
    if (attempt.isEmpty() || attempt.get().record() == null) {
      return Future.failedFuture(new NoSuchElementException("no attempt " + attemptId + " of subscription " + id
          + " to send again"));
    }
    String where = attempt.get().record();
    int at = where.lastIndexOf('@');
    int dash = where.lastIndexOf('-', at);
    String topic = where.substring(0, dash);
    int partition = Integer.parseInt(where.substring(dash + 1, at));
    long offset = Long.parseLong(where.substring(at + 1));
    return find(topic, partition, offset).compose(record -> {
      ActionRecord a = acting.codec().read(record.value());
      // The same id, so the same Idempotency-Key; marked as resent, so that it is called although it was delivered.
      ActionRecord again = new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(),
          a.target(), a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), 1, acting.clock().instant(),
          null, null, a.trace(), acting.clock().instant());
      return acting.publisher().publish(context, new ProducerRecord<>(acting.topics().actions(), a.target(),
          acting.codec().write(again))).map(meta -> new Resent(a.id(), a.eventId()));
    });
  }

  /** The record at {@code offset}, read with a reader of its partition; fails when Kafka no longer has it. */
  private Future<ConsumerRecord<String, byte[]>> find(String topic, int partition, long offset) {
    Promise<ConsumerRecord<String, byte[]>> found = Promise.promise();
    ConsumerLoop reader = new ConsumerLoop(ConsumerSettings.partition("hookgate-resend", readerProperties, topic,
        partition, ConsumerSettings.StartAt.offsets(Map.of(partition, offset))).withMaxInFlight(1), record -> {
          if (record.offset() == offset) {
            found.tryComplete(record);
          } else {
            found.tryFail(new NoSuchElementException("the delivery is no longer in " + topic));
          }
          return Future.succeededFuture();
        }, context, null, null);
    reader.start();
    long timer = vertx.setTimer(FIND_MS, t -> found.tryFail(new NoSuchElementException("the delivery is no longer in "
        + topic)));
    return found.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      reader.stop();
    });
  }
}
