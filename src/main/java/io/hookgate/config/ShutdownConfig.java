package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * Graceful shutdown on SIGTERM.
 *
 * @param drainDelay time between turning unready and closing the listener, so that load balancers stop
 *     sending new requests first
 * @param gracePeriod upper bound for the whole shutdown; keep it below the pod's terminationGracePeriod
 */
public record ShutdownConfig(
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) java.time.Duration drainDelay,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration gracePeriod) {
}
