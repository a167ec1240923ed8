package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.http.Problem;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import io.hookgate.subscriptions.SubscriptionStore;
import io.vertx.core.Future;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The operations the delivery side of subscriptions answers: a test delivery now, the recent attempts, a resend.
 * Until that side runs ({@code deliveries} null) they answer 503.
 */
final class DeliveriesApi {
  private final SubscriptionStore store;
  private final SubscriptionDeliveries deliveries;
  private final ObjectMapper mapper;

  /** @param deliveries null until the delivery side of subscriptions runs */
  DeliveriesApi(SubscriptionStore store, SubscriptionDeliveries deliveries, ObjectMapper mapper) {
    this.store = store;
    this.deliveries = deliveries;
    this.mapper = mapper;
  }

  Map<String, ApiOperation> operations() {
    return Map.of(
        "testSubscription", this::test,
        "listSubscriptionAttempts", this::attempts,
        "resendSubscriptionAttempt", this::resend);
  }

  private Future<Answer> test(ApiRequest r) {
    Subscription s = existing(r.path("id"));
    return running().test(s).map(result -> Answer.json(200, mapper.valueToTree(result)));
  }

  private Future<Answer> attempts(ApiRequest r) {
    Subscription s = existing(r.path("id"));
    SubscriptionDeliveries.AttemptPage page = running().attempts(s.id(), r.query("status"), r.query("limit", 20),
        r.query("cursor"));
    ObjectNode out = mapper.createObjectNode();
    out.set("items", mapper.valueToTree(page.attempts()));
    if (page.nextCursor() != null) {
      out.put("nextCursor", page.nextCursor());
    }
    return Future.succeededFuture(Answer.json(200, out));
  }

  private Future<Answer> resend(ApiRequest r) {
    Subscription s = existing(r.path("id"));
    String attemptId = r.path("attemptId");
    return running().resend(s.id(), attemptId)
        .<Answer>map(resent -> Answer.json(202, mapper.valueToTree(resent)))
        .recover(e -> Future.failedFuture(e instanceof NoSuchElementException
            ? new ApiProblem(Problem.of(404, "unknown_attempt", "Unknown Attempt", "subscription '" + s.id()
                + "' has no attempt '" + attemptId + "' whose event is still kept"))
            : e));
  }

  private Subscription existing(String id) {
    return store.get(id).orElseThrow(() -> ApiProblem.unknownSubscription(id));
  }

  private SubscriptionDeliveries running() {
    if (deliveries == null) {
      throw ApiProblem.unavailable("deliveries_unavailable", "subscriptions are not delivered by this gateway yet: "
          + "test deliveries, attempts and resends need the delivery side of subscriptions");
    }
    return deliveries;
  }
}
