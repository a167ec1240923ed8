package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.JsonSlices;
import io.hookgate.event.RawJson;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code forward}: POST the event as a CloudEvent in structured mode ({@code application/cloudevents+json}), or
 * the platform's payload as received for a target that asks for it, signed with Standard Webhooks headers with
 * the target's {@code whsec_} secrets.
 */
final class ForwardKind implements ActionKind {
  /** A target's signers, made once for its list of keys (a subscription's changes when its secret rotates). */
  private record Signers(List<byte[]> keys, List<StandardWebhooksSigner.Keyed> signers) {
  }

  private final ObjectMapper mapper;
  private final JsonSlices slices;
  /** By target name; requests are made on the action consumer's event loop only. */
  private final Map<String, Signers> signers = new HashMap<>();

  ForwardKind(ObjectMapper mapper) {
    this.mapper = mapper;
    this.slices = new JsonSlices(mapper.getFactory());
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
    if (target.signingKeys().isEmpty()) {
      throw new IllegalArgumentException("target " + target.name()
          + " has no signingSecret (whsec_...), which forward actions need");
    }
    byte[] event = ActionBodies.bytes(mapper, action.body());
    byte[] bytes;
    if (target.payload() == Target.Payload.ORIGINAL) {
      // The platform's payload as hookgate received it, for a handler written for the platform.
      bytes = slices.member(event, "data", "original").orElseThrow(() -> new IllegalArgumentException(
          "the event has no data.original to send"));
      headers.set("Content-Type", "application/json");
    } else {
      bytes = event;
      headers.set("Content-Type", "application/cloudevents+json; charset=utf-8");
    }
    // Signed as sent: the receiver verifies over the webhook-id header it got.
    String id = HttpSyntax.headerId(action.id());
    headers.set("webhook-id", id);
    Signers current = signers.get(target.name());
    if (current == null || current.keys() != target.signingKeys()) {
      current = new Signers(target.signingKeys(),
          target.signingKeys().stream().map(StandardWebhooksSigner.Keyed::new).toList());
      signers.put(target.name(), current);
    }
    return new Request(HttpMethod.POST, Buffer.buffer(bytes), new Signing(current.signers(), id, bytes));
  }
}
