package io.hookgate.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.CloudEventStrings;
import io.hookgate.event.EventIds;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.event.RawJson;
import io.hookgate.event.TraceContext;
import io.hookgate.http.Problem;
import io.hookgate.ingress.auth.AuthOutcome;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Clock;

/**
 * Makes a webhook's body into its event's Kafka record, or refuses it: signature (401), JSON no deeper than
 * {@link #MAX_BODY_DEPTH} (400), the platform's required fields (400), the event id, and attributes that
 * CloudEvents allows (400). The same steps for every platform: the source's
 * {@link io.hookgate.ingress.source.WebhookSource} reads the body parsed into a Jackson tree, or, for the
 * usual shape of a platform that can (Kili), straight from the JSON tokens.
 */
public final class WebhookNormalizer {
  /**
   * The deepest nesting of a webhook body. The event's {@code data} holds the body one level down, and a
   * structured CloudEvent (forwards) another, and most JSON parsers stop at 1000 levels (Jackson by default,
   * hookgate's rules included): a body accepted here must not make an event its readers cannot parse. No
   * labeling platform sends more than a few dozen.
   */
  public static final int MAX_BODY_DEPTH = 512;

  /** A copy of {@code base} for reading webhook bodies: refuses bodies nested deeper than {@link #MAX_BODY_DEPTH}. */
  public static ObjectMapper bodyMapper(ObjectMapper base) {
    ObjectMapper copy = base.copy();
    copy.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_BODY_DEPTH).build());
    return copy;
  }

  /** Refuses trailing content after the JSON value, so the raw body can be embedded as data.original. */
  private final ObjectReader jsonReader;
  private final CloudEventFactory cloudEvents;
  private final String topic;
  private final Clock clock;

  /**
   * @param bodies the mapper from {@link #bodyMapper}
   * @param topic the events topic
   */
  public WebhookNormalizer(ObjectMapper bodies, CloudEventFactory cloudEvents, String topic, Clock clock) {
    this.jsonReader = bodies.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.cloudEvents = cloudEvents;
    this.topic = topic;
    this.clock = clock;
  }

  /**
   * @param headers the request's headers: signature, delivery id, trace context
   * @param body the body exactly as received
   */
  public Normalization normalize(ConfiguredSource source, MultiMap headers, Buffer body) {
    if (source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(headers, body, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        return Refusal.unauthorized(source, outcome);
      }
    }
    if (body.length() == 0) {
      return Refusal.of(source, Problem.of(400, "malformed_json", "Bad Request",
          "the body is empty; a JSON object was expected"));
    }
    byte[] bytes = body.getBytes();
    // The platform's usual webhook is read from the JSON tokens, without a tree, where its source can (Kili:
    // bench/README.md measured the tree's cost at more than a tenth of the ingress's CPU per request);
    // anything else, refusals included, is read from the tree, so every 400 comes from the one tree reading.
    NormalizedEvent usual = CloudEventFactory.embeddable(bytes)
        ? source.webhookSource().normalizeUsual(source.name(), bytes, RawJson.node(bytes)) : null;
    return usual != null ? event(source, headers, usual, bytes) : readTree(source, headers, bytes);
  }

  /** The body parsed into a tree and read by the source; every refusal of a body its platform would not send. */
  private Normalization readTree(ConfiguredSource source, MultiMap headers, byte[] bytes) {
    JsonNode json;
    try {
      json = jsonReader.readTree(bytes);
    } catch (StreamConstraintsException e) {
      return Refusal.of(source, Problem.of(400, "invalid_payload", "Bad Request", "the body is nested more than "
          + MAX_BODY_DEPTH + " levels deep: the events made of it must stay readable by JSON parsers that stop at "
          + "1000 levels, as Jackson does by default, and the event wraps the body in two more"));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      return Refusal.of(source, Problem.of(400, "malformed_json", "Bad Request",
          "the body is not valid JSON" + where + ": " + parserMessage(e)));
    } catch (IOException e) {
      return Refusal.of(source, Problem.of(400, "malformed_json", "Bad Request", "the body is not valid JSON"));
    }
    NormalizedEvent normalized;
    try {
      normalized = source.webhookSource().normalize(source.name(), json);
    } catch (InvalidPayloadException e) {
      return Refusal.of(source, Problem.of(400, "invalid_payload", "Bad Request",
          e.getMessage() + " (" + article(source.kind()) + " " + source.kind() + " webhook)")
          .withField(e.field().isEmpty() ? null : e.field()));
    }
    return event(source, headers, normalized, bytes);
  }

  /** The event id, its attributes checked, and the record. */
  private Normalization event(ConfiguredSource source, MultiMap headers, NormalizedEvent normalized, byte[] bytes) {
    String id = eventId(headers, source, normalized, bytes);
    String badAttribute = badAttribute(id, normalized);
    if (badAttribute != null) {
      return Refusal.of(source, Problem.of(400, "invalid_payload", "Bad Request", badAttribute
          + "; CloudEvents attributes may not contain control characters, noncharacters or unpaired surrogates"));
    }
    TraceContext trace = TraceContext.fromHeaders(headers.getAll(TraceContext.TRACEPARENT),
        headers.getAll(TraceContext.TRACESTATE));
    return new IngressEvent(source, id, normalized.type(),
        cloudEvents.toRecord(topic, id, source.name(), normalized, trace, bytes), bytes.length);
  }

  /** The sender's delivery id where it has one, so a re-sent webhook keeps its id; else a hash of the body. */
  private static String eventId(MultiMap headers, ConfiguredSource source, NormalizedEvent normalized, byte[] body) {
    String id = headers.get("webhook-id");
    if (id == null || id.isBlank()) {
      id = headers.get("X-GitHub-Delivery");
    }
    if (id == null || id.isBlank()) {
      id = normalized.deliveryId();
    }
    return id == null || id.isBlank() ? EventIds.fromBody(source.name(), body) : id;
  }

  /** Why the event's id, subject, project or type is not a CloudEvents String; null when they all are. */
  private static String badAttribute(String id, NormalizedEvent normalized) {
    String why = CloudEventStrings.invalid(id);
    if (why != null) {
      return "the event id (the webhook-id or X-GitHub-Delivery header, or the payload's delivery id) contains " + why;
    }
    if (normalized.subject() != null && (why = CloudEventStrings.invalid(normalized.subject())) != null) {
      return "the event subject (the item, task or issue id in the payload) contains " + why;
    }
    if (normalized.partitionKey() != null && (why = CloudEventStrings.invalid(normalized.partitionKey())) != null) {
      return "the project id in the payload contains " + why;
    }
    if ((why = CloudEventStrings.invalid(normalized.type())) != null) {
      return "the event type taken from the payload contains " + why;
    }
    String platformEvent = normalized.data().platformEventType();
    if (platformEvent != null && (why = CloudEventStrings.invalid(platformEvent)) != null) {
      return "the platform's event name in the payload (the platformevent extension) contains " + why;
    }
    return null;
  }

  private static String article(String word) {
    return !word.isEmpty() && "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  /** Jackson's message without its pointers into the source, which say nothing useful to a client. */
  private static String parserMessage(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    int cut = msg.indexOf(" (start marker at");
    if (cut < 0) {
      cut = msg.indexOf("\n at [Source");
    }
    msg = cut > 0 ? msg.substring(0, cut) : msg;
    return msg.replace('\n', ' ').strip();
  }
}
