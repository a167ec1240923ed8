package io.hookgate.admin;

import io.hookgate.http.Problem;
import io.hookgate.rules.EventFilter;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.hookgate.tail.StreamLimitException;
import io.hookgate.tail.TailHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * The live tail, {@code GET /api/v1/events/stream}: a Server-Sent Events stream of the events topic, from now or
 * from a {@code Last-Event-ID}, filtered by source, project, type and a CEL {@code match}. The request is checked
 * here (a filter that does not compile is a 400 naming where; one stream too many a 429); the {@link TailHub}
 * serves the stream.
 */
final class EventsStreamApi {
  static final String RETRY_AFTER_SECONDS = "10";

  private final Vertx vertx;
  private final FilterExpressions expressions;
  private final TailHub hub;

  EventsStreamApi(Vertx vertx, FilterExpressions expressions, TailHub hub) {
    this.vertx = vertx;
    this.expressions = expressions;
    this.hub = hub;
  }

  Map<String, ApiOperation> operations() {
    return Map.of("streamEvents", this::stream);
  }

  private Future<Answer> stream(ApiRequest r) {
    String type = r.query("type");
    if (type != null) {
      SubscriptionRequests.checkType(type, "type", "type");
    }
    SubscriptionFilter asked = new SubscriptionFilter(one(r.query("source")), one(r.query("project")), null,
        one(type), r.query("match"));
    Map<Integer, Long> from = position(r);
    TailHub.Ticket ticket;
    try {
      ticket = hub.reserve();
    } catch (StreamLimitException e) {
      throw new ApiProblem(Problem.of(429, "too_many_streams", "Too Many Requests", e.getMessage()),
          Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
    return compile(asked)
        .compose(filter -> hub.prepare(from).<Answer>map(start -> Answer.stream(request -> ticket.attach(request,
            filter, start))))
        .onFailure(e -> ticket.release())
        .recover(e -> Future.failedFuture(e instanceof ApiProblem ? e : new ApiProblem(Problem.of(503,
            "events_unavailable", "Service Unavailable", "the events topic cannot be read now: " + e.getMessage()),
            Map.of("Retry-After", RETRY_AFTER_SECONDS))));
  }

  /** {@code Last-Event-ID}, or the {@code lastEventId} query parameter for a client that cannot set it; null: now. */
  private static Map<Integer, Long> position(ApiRequest r) {
    String header = r.header("Last-Event-ID");
    String field = header != null ? "Last-Event-ID" : "lastEventId";
    String id = header != null ? header : r.query("lastEventId");
    if (id == null || id.isBlank()) {
      return null;
    }
    try {
      return TailHub.position(id);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(field, field + ": not an id this stream gave (partition:offset,..., as "
          + "0:1043,1:977): " + e.getMessage());
    }
  }

  /** The filter, or null for every event; a CEL match is compiled on a worker, as that takes milliseconds. */
  private Future<EventFilter> compile(SubscriptionFilter asked) {
    if (asked.sources() == null && asked.projects() == null && asked.types() == null && asked.match() == null) {
      return Future.succeededFuture(null);
    }
    if (asked.match() == null) {
      return Future.succeededFuture(EventFilter.compile(asked, expressions, "match"));
    }
    return vertx.executeBlocking(() -> {
      try {
        return EventFilter.compile(asked, expressions, "match");
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalid("match", e.getMessage());
      }
    }, false);
  }

  private static List<String> one(String value) {
    return value == null ? null : List.of(value);
  }
}
