package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;

/** Isahit Lab: {@code {workflowId, type: annotation|review, taskId, batchId, projectId}}, all required. */
public final class IsahitSource implements WebhookSource {
  public static final SourceKind KIND = SourceKind.of("isahit", (config, bodies) -> new IsahitSource());

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    Fields.requireRootObject(body);
    String workflowId = Fields.requireText(body, "workflowId");
    String type = Fields.requireText(body, "type");
    if (!type.equals("annotation") && !type.equals("review")) {
      throw new InvalidPayloadException("type", "field 'type' must be 'annotation' or 'review' (got '" + type + "')");
    }
    String taskId = Fields.requireText(body, "taskId");
    String batchId = Fields.requireText(body, "batchId");
    String projectId = Fields.requireText(body, "projectId");
    LabelingEvent data = LabelingEvent.builder("isahit", sourceName, body)
        .platformEventType(type)
        .taskType(type)
        .workflowId(workflowId)
        .taskId(taskId)
        .batchId(batchId)
        .projectId(projectId)
        .build();
    return new NormalizedEvent(EventTypes.TASK_COMPLETED, taskId, projectId, null, data);
  }
}
