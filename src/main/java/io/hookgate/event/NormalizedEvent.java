package io.hookgate.event;

/**
 * What a source makes of one webhook before it becomes a CloudEvent.
 *
 * @param type one of {@link EventTypes}
 * @param subject what the event is about (asset, item, task or issue id); may be null
 * @param partitionKey the Kafka key: the project, so that one project's events stay in order
 * @param deliveryId the sender's own id for this delivery when the body carries one; else null
 */
public record NormalizedEvent(String type, String subject, String partitionKey, String deliveryId, LabelingEvent data) {
}
