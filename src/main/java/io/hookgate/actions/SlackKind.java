package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** {@code slack}: POST the incoming-webhook JSON; success is 200 with the body {@code ok}. */
final class SlackKind implements ActionKind {
  private final ObjectMapper mapper;

  SlackKind(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public String bodyProblem(boolean hasBody) {
    return hasBody ? null : "is required for kind slack ({'text': ...})";
  }

  @Override
  public Request request(Target target, ActionRecord action, HttpMethod method, MultiMap headers) {
    if (action.body() == null || !action.body().isObject()) {
      throw new IllegalArgumentException("a slack action needs a JSON object body such as {\"text\": ...}");
    }
    headers.set("Content-Type", "application/json");
    return new Request(HttpMethod.POST, Buffer.buffer(ActionBodies.bytes(mapper, action.body())), null);
  }

  @Override
  public CallResult answered(int status, String reason, String body) {
    if (body == null || !body.strip().equals("ok")) {
      return new CallResult(CallResult.Verdict.PERMANENT, status, "Slack did not answer ok", body, null);
    }
    return ActionKind.super.answered(status, reason, body);
  }
}
