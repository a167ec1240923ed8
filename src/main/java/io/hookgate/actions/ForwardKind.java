package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.RawJson;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code forward}: POST the event as a CloudEvent in structured mode ({@code application/cloudevents+json}),
 * signed with Standard Webhooks headers with the target's {@code whsec_} secret.
 */
final class ForwardKind implements ActionKind {
  private final ObjectMapper mapper;
  /** By target name; requests are made on the action consumer's event loop only. */
  private final Map<String, StandardWebhooksSigner.Keyed> signers = new HashMap<>();

  ForwardKind(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String name() {
    return "forward";
  }

  @Override
  public String bodyProblem(boolean hasBody) {
    return hasBody ? "is not allowed for kind forward: the body is the event itself" : null;
  }

  @Override
  public boolean carriesEvent() {
    return true;
  }

  @Override
  public Request request(Target target, ActionRecord action, HttpMethod method, MultiMap headers) {
    if (!RawJson.isObject(action.body())) {
      throw new IllegalArgumentException("a forward action needs the CloudEvent (structured mode) as its body");
    }
    byte[] key = target.signingKey().orElseThrow(() -> new IllegalArgumentException("target " + target.name()
        + " has no signingSecret (whsec_...), which forward actions need"));
    byte[] bytes = ActionBodies.bytes(mapper, action.body());
    headers.set("Content-Type", "application/cloudevents+json; charset=utf-8");
    // Signed as sent: the receiver verifies over the webhook-id header it got.
    String id = HttpSyntax.headerId(action.id());
    headers.set("webhook-id", id);
    StandardWebhooksSigner.Keyed signer = signers.computeIfAbsent(target.name(),
        name -> new StandardWebhooksSigner.Keyed(key));
    return new Request(HttpMethod.POST, Buffer.buffer(bytes), new Signing(signer, id, bytes));
  }
}
