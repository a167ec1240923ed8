package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A configured webhook sender, served at {@code POST /webhooks/{name}}.
 *
 * @param kind how the body is validated and normalized: one of {@link io.hookgate.ingress.source.SourceKinds}
 * @param maxBodyBytes overrides the ingress body limit for this source; null keeps it
 * @param mapping JSON pointers for a generic source
 */
public record SourceConfig(
    String kind,
    AuthConfig auth,
    @JsonDeserialize(using = ConfigDeserializers.ByteSize.class) Long maxBodyBytes,
    GenericMapping mapping) {
}
