package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A configured webhook sender, served at {@code POST /webhooks/{name}}.
 *
 * @param kind how the body is validated and normalized: one of {@link io.hookgate.ingress.source.SourceKinds}
 * @param maxBodyBytes overrides the ingress body limit for this source; null keeps it
 * @param mapping JSON pointers for a generic source
 * @param pull what a {@code kili-subscription} source pulls from Kili; null for every other kind
 * @param connect how hookgate registers itself on the platform (kili, isahit); null when it is not asked to
 */
public record SourceConfig(
    String kind,
    AuthConfig auth,
    @JsonDeserialize(using = ConfigDeserializers.ByteSize.class) Long maxBodyBytes,
    GenericMapping mapping,
    KiliPullConfig pull,
    ConnectConfig connect) {

  /** A webhook source's config (no pull, no connection). */
  public SourceConfig(String kind, AuthConfig auth, Long maxBodyBytes, GenericMapping mapping) {
    this(kind, auth, maxBodyBytes, mapping, null, null);
  }
}
