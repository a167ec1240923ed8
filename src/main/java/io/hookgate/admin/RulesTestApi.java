package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.http.Problem;
import io.hookgate.rules.EventFilter;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.rules.TopicEvent;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.hookgate.tail.RecentEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rule dry-run, {@code POST /api/v1/rules/test}: a CEL expression ({@code match}, any result type) or a
 * subscription's filter ({@code filter}, before it is saved), compiled as rules and subscriptions compile them
 * (a mistake is a 400 naming its line and column), then evaluated against the last events of the events topic:
 * which matched, and what the expression gave for each.
 */
final class RulesTestApi {
  static final int DEFAULT_LAST = 20;
  /** Records of each partition looked at for {@code source} or {@code project}, per event asked for. */
  static final int NARROWED_WINDOW_FACTOR = 10;
  static final int MIN_NARROWED_WINDOW = 1_000;
  static final int MAX_WINDOW = 10_000;
  /** Dry-runs at once: each reads with a Kafka consumer of its own. */
  static final int MAX_RUNNING = 2;

  private final Vertx vertx;
  private final FilterExpressions expressions;
  private final RecentEvents recent;
  private final ObjectMapper mapper;
  private final AtomicInteger running = new AtomicInteger();

  RulesTestApi(Vertx vertx, FilterExpressions expressions, RecentEvents recent, ObjectMapper mapper) {
    this.vertx = vertx;
    this.expressions = expressions;
    this.recent = recent;
    this.mapper = mapper;
  }

  Map<String, ApiOperation> operations() {
    return Map.of("testRule", this::test);
  }

  private Future<Answer> test(ApiRequest r) {
    JsonObject body = r.body();
    String match = body.getString("match");
    JsonObject filter = body.getJsonObject("filter");
    if (match == null == (filter == null)) {
      throw ApiProblem.invalid(match == null ? null : "/filter", "give either match (a CEL expression over event) "
          + "or filter (a subscription's filter), " + (match == null ? "not neither" : "not both"));
    }
    SubscriptionFilter asked = filter == null ? null : SubscriptionRequests.filter(filter);
    int last = body.getInteger("last", DEFAULT_LAST);
    String source = body.getString("source");
    String project = body.getString("project");
    int window = source == null && project == null ? last
        : Math.min(MAX_WINDOW, Math.max(MIN_NARROWED_WINDOW, last * NARROWED_WINDOW_FACTOR));
    EventFilter keep = source == null && project == null ? null : EventFilter.compile(new SubscriptionFilter(
        source == null ? null : List.of(source), project == null ? null : List.of(project), null, null, null),
        expressions, "filter.match");
    return compile(match, asked).compose(compiled -> {
      if (running.incrementAndGet() > MAX_RUNNING) {
        running.decrementAndGet();
        return Future.failedFuture(new ApiProblem(Problem.of(429, "too_many_dry_runs", "Too Many Requests",
            MAX_RUNNING + " dry-runs are reading the events topic; try again in a few seconds"),
            Map.of("Retry-After", "5")));
      }
      return recent.read(last, window, keep)
          .recover(e -> Future.failedFuture(ApiProblem.unavailable("events_unavailable", "the events topic cannot "
              + "be read now: " + e.getMessage())))
          .compose(found -> vertx.executeBlocking(() -> answer(compiled, filter != null, found), false))
          .onComplete(ar -> running.decrementAndGet());
    });
  }

  /** Compiled on a worker: compiling CEL takes milliseconds. */
  private Future<EventFilter> compile(String match, SubscriptionFilter filter) {
    return vertx.executeBlocking(() -> {
      try {
        return filter != null ? EventFilter.compile(filter, expressions, "filter.match")
            : EventFilter.expression(match, expressions, "match");
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalid(filter != null ? "/filter/match" : "/match", e.getMessage());
      }
    }, false);
  }

  private Answer answer(EventFilter filter, boolean isFilter, RecentEvents.Found found) {
    ObjectNode out = mapper.createObjectNode();
    ArrayNode matched = mapper.createArrayNode();
    ArrayNode results = mapper.createArrayNode();
    List<TopicEvent> events = found.events();
    for (TopicEvent e : events) {
      EventFilter.Verdict v = filter.explain(e);
      ObjectNode result = results.addObject()
          .put("id", e.id())
          .put("type", e.type())
          .put("source", e.sourceName())
          .put("project", e.projectId())
          .put("time", e.time() == null ? null : e.time().toString())
          .put("matched", v.matched());
      if (v.value() != null) {
        result.set("value", v.value());
      }
      if (isFilter && v.refusedBy() != null) {
        result.put("refusedBy", v.refusedBy());
      }
      if (v.error() != null) {
        result.put("error", v.error());
      }
      if (v.matched()) {
        matched.add(e.id());
      }
    }
    out.put("checked", events.size());
    out.put("scanned", found.scanned());
    out.set("matched", matched);
    out.set("results", results);
    return Answer.json(200, out);
  }
}
