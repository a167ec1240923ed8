package io.hookgate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.CloudEventStrings;
import io.hookgate.event.EventIds;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;
import io.hookgate.ingress.source.KiliSource;
import io.hookgate.ingress.source.WebhookSource;
import java.io.IOException;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Makes a label that Kili's subscription pushed (or its labels query returned) into the event a Kili webhook
 * would make: the label is wrapped in a webhook's body ({@code {eventType, logPayload: {projectId}, payload:
 * {label, asset_id}}}, with {@code eventType} {@value KiliSource#LABEL_CREATED_OR_UPDATED}), read by the same
 * {@link KiliSource} normalization, and that body is the event's {@code data.original}. The id is derived from
 * (source, project, label id, label version), so the same label pulled twice gets one id.
 */
final class LabelRecords {
  private final String sourceName;
  private final String projectId;
  private final WebhookSource kili;
  private final CloudEventFactory cloudEvents;
  private final ObjectMapper mapper;
  private final String topic;

  /** A pulled label's event: its id, and its record for the events topic. */
  record LabelRecord(String eventId, String labelId, String createdAt, ProducerRecord<String, byte[]> record) {
  }

  LabelRecords(String sourceName, String projectId, WebhookSource kili, CloudEventFactory cloudEvents,
      ObjectMapper mapper, String topic) {
    this.sourceName = sourceName;
    this.projectId = projectId;
    this.kili = kili;
    this.cloudEvents = cloudEvents;
    this.mapper = mapper;
    this.topic = topic;
  }

  /** @throws InvalidPayloadException when the label lacks what the event needs (id, createdAt, its asset) */
  LabelRecord make(JsonNode label) throws InvalidPayloadException {
    if (!label.isObject()) {
      throw new InvalidPayloadException("label", "the label is not an object");
    }
    String labelId = text(label, "id");
    String createdAt = text(label, "createdAt");
    String assetId = text(label.path("labelOf"), "id");
    if (labelId == null || CloudEventStrings.invalid(labelId) != null) {
      throw new InvalidPayloadException("label.id", "the label has no usable id");
    }
    if (!LabelTimes.valid(createdAt)) {
      throw new InvalidPayloadException("label.createdAt", "label " + labelId + " has no ISO 8601 createdAt");
    }
    if (assetId == null || CloudEventStrings.invalid(assetId) != null) {
      throw new InvalidPayloadException("label.labelOf.id",
          "label " + labelId + " has no usable asset id (labelOf.id)");
    }
    ObjectNode body = mapper.createObjectNode().put("eventType", KiliSource.LABEL_CREATED_OR_UPDATED);
    body.putObject("logPayload").put("projectId", projectId);
    ObjectNode payload = body.putObject("payload");
    payload.set("label", label);
    payload.put("asset_id", assetId);
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new InvalidPayloadException("label", "the label cannot be written as JSON");
    }
    NormalizedEvent normalized = kili.normalize(sourceName, body);
    // A label Kili updates in place keeps its id; its updatedAt, where Kili sends one, makes the update an event
    // of its own. Without it, createdAt is the version.
    String version = text(label, "updatedAt") != null ? text(label, "updatedAt") : createdAt;
    String eventId = EventIds.fromParts(sourceName, projectId, labelId, version);
    return new LabelRecord(eventId, labelId, createdAt,
        cloudEvents.toRecord(topic, eventId, sourceName, normalized, null, bytes));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }
}
