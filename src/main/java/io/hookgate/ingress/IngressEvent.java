package io.hookgate.ingress;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A webhook accepted and made into its event's Kafka record, ready to publish.
 *
 * @param id the event id, answered in the 202's body
 * @param type the event type, for the access log
 * @param bodyBytes the size of the body it was made of, for the 413 Kafka may still cause
 */
public record IngressEvent(ConfiguredSource source, String id, String type, ProducerRecord<String, byte[]> record,
    int bodyBytes) implements Normalization {
}
