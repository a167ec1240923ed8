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
}
