package io.hookgate.config;

/**
 * Where a generic source's JSON keeps its fields, as JSON pointers (RFC 6901), e.g. {@code /type}.
 * Only {@code eventType} is required; the others fall back to defaults (source name as key, body hash as id).
 */
public record GenericMapping(String eventType, String projectId, String deliveryId, String subject) {
}
