package io.hookgate.actions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.hookgate.event.RawJson;
import io.hookgate.event.TraceContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One outbound call to make, as written to the actions topic (JSON value, key = {@link #target()} so that
 * one target's actions stay in order). Rules produce these; action consumers execute them. Secrets are
 * never part of an action: a target's credentials are added from its config when the call is made.
 *
 * @param id deterministic: {@code <eventId>:<rule>:<index>}; sent as {@code Idempotency-Key}
 * @param eventId the CloudEvent that caused it
 * @param eventType that event's type
 * @param source the configured source the event came from
 * @param projectId the event's project, for status per webhook subscription
 * @param rule the rule that emitted it
 * @param target the name of a configured target
 * @param kind http, graphql, slack or forward
 * @param method HTTP method (POST when null)
 * @param path path appended to the target's base URL (may be empty)
 * @param headers extra non-secret headers
 * @param body the JSON body to send (for graphql: {@code {query, variables}}; for forward: the CloudEvent
 *     in structured mode, as a {@link RawJson} node when it was read from a topic or built by the rules:
 *     it is sent as the very bytes it was written with)
 * @param then actions to emit, in order, only once this one has succeeded (Kili: issues, then send-back)
 * @param attempt 1 for the first try; incremented by each retry
 * @param createdAt when the rule emitted it (for the max-age retry limit)
 * @param notBefore for retries: not to be executed before this instant
 * @param lastError the previous attempt's failure, for retries and dead letters
 * @param trace the W3C trace context of the webhook that caused the event, or null; sent as the
 *     {@code traceparent} and {@code tracestate} headers of every attempt. It is part of the record, not of
 *     the Kafka headers, so that it survives the retry topic, the {@code then} chain and a replay from the
 *     dead-letter topic
 * @param resentAt when someone asked for it to be delivered again (a resend): called even if this gateway
 *     delivered it already; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRecord(
    String id,
    String eventId,
    String eventType,
    String source,
    String projectId,
    String rule,
    String target,
    String kind,
    String method,
    String path,
    Map<String, String> headers,
    @JsonDeserialize(using = ActionCodec.BodyDeserializer.class) JsonNode body,
    List<ActionRecord> then,
    int attempt,
    Instant createdAt,
    Instant notBefore,
    String lastError,
    TraceContext trace,
    Instant resentAt) {

  @JsonCreator
  public ActionRecord {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    then = then == null ? List.of() : List.copyOf(then);
  }

  /** An action that is not a resend. */
  public ActionRecord(String id, String eventId, String eventType, String source, String projectId, String rule,
      String target, String kind, String method, String path, Map<String, String> headers, JsonNode body,
      List<ActionRecord> then, int attempt, Instant createdAt, Instant notBefore, String lastError,
      TraceContext trace) {
    this(id, eventId, eventType, source, projectId, rule, target, kind, method, path, headers, body, then, attempt,
        createdAt, notBefore, lastError, trace, null);
  }

  /** An action without a trace context. */
  public ActionRecord(String id, String eventId, String eventType, String source, String projectId, String rule,
      String target, String kind, String method, String path, Map<String, String> headers, JsonNode body,
      List<ActionRecord> then, int attempt, Instant createdAt, Instant notBefore, String lastError) {
    this(id, eventId, eventType, source, projectId, rule, target, kind, method, path, headers, body, then, attempt,
        createdAt, notBefore, lastError, null);
  }

  /** The next attempt of this action, due at {@code notBefore}. */
  public ActionRecord retry(Instant notBefore, String lastError) {
    return new ActionRecord(id, eventId, eventType, source, projectId, rule, target, kind, method, path, headers,
        body, then, attempt + 1, createdAt, notBefore, lastError, trace, resentAt);
  }
}
