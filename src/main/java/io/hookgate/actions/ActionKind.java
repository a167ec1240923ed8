package io.hookgate.actions;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * One kind of action (http, graphql, slack, forward...): how its request is made from the action record, and
 * what a 2xx answer means. Adding a kind is one implementation and one line in {@link ActionKinds}; the rules
 * check the kinds their actions name against the same registry.
 */
public interface ActionKind {

  /** The name actions give in {@code kind}, in lower case. */
  String name();

  /**
   * What a rule's action of this kind must say about its body, checked when the rules are compiled: null when
   * any body (or none) will do, else what is wrong with the given one.
   *
   * @param hasBody whether the rule's action has a {@code body} expression
   */
  default String bodyProblem(boolean hasBody) {
    return null;
  }

  /** Whether the action's body is the event itself, in CloudEvents structured mode, rather than the rule's. */
  default boolean carriesEvent() {
    return false;
  }

  /**
   * The method, body and signing of the request, setting the headers this kind needs. Throws
   * IllegalArgumentException when the action cannot make a valid request of this kind: nothing is sent, and
   * every retry would build the same request, so the action is refused at once.
   *
   * @param method the action's method (POST when it gives none)
   * @param headers the action's headers so far, which this may complete
   */
  Request request(Target target, ActionRecord action, HttpMethod method, MultiMap headers);

  /** What a 2xx answer with this body means: success, unless the kind's protocol says otherwise. */
  default CallResult answered(int status, String reason, String body) {
    return new CallResult(CallResult.Verdict.SUCCESS, status, reason, body, null);
  }

  /**
   * The kind's part of a request.
   *
   * @param signing what to sign when the request is sent (so that its timestamp is then); null for none
   */
  record Request(HttpMethod method, Buffer body, Signing signing) {
  }

  /**
   * Standard Webhooks signatures to make at send time, over {@code body} with {@code id}: one per key, space
   * separated in one header, as the specification has it while a secret is rotated.
   */
  record Signing(List<StandardWebhooksSigner.Keyed> signers, String id, byte[] body) {
  }
}
