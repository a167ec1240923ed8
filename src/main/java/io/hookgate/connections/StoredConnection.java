package io.hookgate.connections;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A connection as the compacted connections topic holds it (key = {@code <source>/<projectId>}): its secrets
 * encrypted with the gateway's encryption keys, bound to the connection and the field, like subscriptions'.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StoredConnection(String schema, String source, String projectId, String kind, String webhookUrl,
    String secret, String previousSecret, Instant previousUntil, Connection.State state, String message,
    Instant createdAt, Instant updatedAt, Instant lastCheck, int batches) {
  static final String SCHEMA = "hookgate.connection.v1";
}
