package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;

/** Validates one platform's webhook body and maps it to the canonical event. One implementation per kind. */
public interface WebhookSource {

  /**
   * @param sourceName the configured source, recorded in the event
   * @param body the parsed JSON body
   * @throws InvalidPayloadException when a field the platform always sends is missing or mistyped
   */
  NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException;

  /**
   * A faster reading of the raw body, for the shape the platform usually sends, straight from the JSON
   * tokens. It answers only where {@link #normalize(String, JsonNode)} of the parsed body would give the same
   * event; for anything else (refusals included) it returns null, and the caller parses the body and calls
   * {@code normalize}. By default it always returns null.
   *
   * @param body the raw body, one JSON document in UTF-8
   * @param original what the event is to carry as {@code data.original}
   */
  default NormalizedEvent normalizeUsual(String sourceName, byte[] body, JsonNode original) {
    return null;
  }
}
