package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * The webhook HTTP server.
 *
 * @param maxBodyBytes default body limit for every source, enforced while reading
 * @param publishTimeout how long a request waits for Kafka's acknowledgement before it gets a 503
 * @param bodyReadTimeout how long a client may take to send its body before it gets a 408
 * @param retryAfter the {@code Retry-After} sent with a 503
 * @param instances verticle instances (event loops) serving the port; 0 means one per core
 * @param accessLog one log line per request (source, status, event id, reason)
 * @param lingerTime after refusing a request whose body is still coming, how long the rest is read and discarded
 *     before the connection is closed, so that the sender reads the answer instead of a reset
 * @param lingerMaxBytes how much of such a body is read and discarded at most before the connection is closed
 * @param recentRequests how many of its last requests each source keeps in memory for the management API
 *     ({@code GET /api/v1/sources/{name}/requests}); 0 keeps none
 * @param publicUrl where the platforms reach this port from the internet ({@code https://hooks.example.com}),
 *     which connections register on them as {@code <publicUrl>/webhooks/<source>}; null when unknown
 */
public record IngressConfig(
    String host,
    int port,
    @JsonDeserialize(using = ConfigDeserializers.ByteSize.class) long maxBodyBytes,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration publishTimeout,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration bodyReadTimeout,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration idleTimeout,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration retryAfter,
    int instances,
    boolean accessLog,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration lingerTime,
    @JsonDeserialize(using = ConfigDeserializers.ByteSize.class) long lingerMaxBytes,
    int recentRequests,
    String publicUrl) {
}
