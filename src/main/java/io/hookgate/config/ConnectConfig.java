package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * How hookgate registers itself on a source's platform ({@code POST /api/v1/sources/{name}/connections}): the
 * platform's API and the credentials it takes, as secret references. Only {@code kili} and {@code isahit} sources
 * connect. Absent keys take the defaults below.
 *
 * @param endpoint Kili's GraphQL endpoint, or Isahit Lab's API root; the platform's public one by default
 * @param apiKey Kili: an API key of a user who may manage plugins (organization admin)
 * @param accessId Isahit Lab: the access id of the SDK credentials
 * @param secretKey Isahit Lab: the secret key of the SDK credentials
 * @param secretOverlap after a rotation, how long the previous secret is still accepted
 * @param recheckEvery Isahit Lab: how often the webhook is set again on every batch of a connected project, so
 *     that new batches get it
 * @param requestTimeout the longest wait for one call to the platform
 */
public record ConnectConfig(
    String endpoint,
    SecretRef apiKey,
    SecretRef accessId,
    SecretRef secretKey,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration secretOverlap,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration recheckEvery,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration requestTimeout) {
  public static final String KILI_ENDPOINT = "https://cloud.kili-technology.com/api/label/v2/graphql";
  public static final String ISAHIT_ENDPOINT = "https://hub-api.isahit.com/";

  public ConnectConfig {
    secretOverlap = secretOverlap == null ? Duration.ofHours(24) : secretOverlap;
    recheckEvery = recheckEvery == null ? Duration.ofHours(1) : recheckEvery;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
  }

  /** The endpoint, or the platform's public one for {@code kind}. */
  public String endpointFor(String kind) {
    if (endpoint != null && !endpoint.isBlank()) {
      return endpoint;
    }
    return kind.equals("isahit") ? ISAHIT_ENDPOINT : KILI_ENDPOINT;
  }

  /** Checks that {@code kind} connects and that its credentials are named. */
  public void validate(String key, String kind) {
    if (kind.equals("kili")) {
      require(apiKey != null, key + ".apiKey", "is required to connect a kili source (env:KILI_API_KEY)");
    } else if (kind.equals("isahit")) {
      require(accessId != null, key + ".accessId",
          "is required to connect an isahit source (env:ISAHIT_LAB_API_ACCESS_ID)");
      require(secretKey != null, key + ".secretKey",
          "is required to connect an isahit source (env:ISAHIT_LAB_API_SECRET_KEY)");
    } else {
      throw new ConfigException("config key '" + key + "': only kili and isahit sources connect (not " + kind + ")");
    }
    require(!secretOverlap.isNegative(), key + ".secretOverlap", "must not be negative");
    require(recheckEvery.toSeconds() >= 1, key + ".recheckEvery", "must be at least 1s");
    require(requestTimeout.toMillis() >= 100, key + ".requestTimeout", "must be at least 100ms");
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "': " + message);
    }
  }
}
