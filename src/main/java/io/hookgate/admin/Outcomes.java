package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.http.Problem;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionStore.Outcome;
import java.util.function.Function;

/** The answer to a change, from what came of it ({@code SubscriptionStore.Outcome}). */
final class Outcomes {
  static final String BASE = "/api/v1/subscriptions/";

  private Outcomes() {
  }

  /**
   * created 201 (with {@code Location}), replaced, updated and unchanged 200, deleted 204; conflict 412, notFound
   * 404, exists and refused 409. Answers that carry the subscription have its {@code ETag}.
   *
   * @param body what to answer with the subscription after the change
   * @param created what to answer when it was created (with its secret)
   */
  static Answer answer(String id, Outcome o, Function<Subscription, JsonNode> body,
      Function<Subscription, JsonNode> created) {
    Subscription s = o.subscription();
    return switch (o.result()) {
      case created -> Answer.json(201, created.apply(s)).withHeader("ETag", IfMatch.etag(s.revision()))
          .withHeader("Location", BASE + s.id());
      case replaced, updated, unchanged -> Answer.json(200, body.apply(s))
          .withHeader("ETag", IfMatch.etag(s.revision()));
      case deleted -> Answer.noContent();
      case conflict -> throw ApiProblem.preconditionFailed(s == null
          ? "subscription '" + id + "' no longer exists"
          : "subscription '" + id + "' is at revision " + IfMatch.etag(s.revision())
              + ", not the one If-Match names; read it again");
      case notFound -> throw ApiProblem.unknownSubscription(id);
      case exists -> throw new ApiProblem(Problem.of(409, "subscription_exists", "Conflict",
          "a subscription '" + id + "' exists already; PUT " + BASE + id + " replaces it"));
      case refused -> throw new ApiProblem(Problem.of(409, "change_refused", "Conflict",
          o.message() == null ? "the change is not possible" : o.message()));
    };
  }
}
