package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;

/**
 * What a {@code kili-subscription} source pulls: Kili's GraphQL subscription {@code labelCreatedOrUpdated} per
 * project, over Apollo's legacy {@code graphql-ws} WebSocket protocol, and Kili's {@code labels} query for what
 * was missed while disconnected. Absent keys take the defaults below.
 *
 * @param endpoint Kili's GraphQL endpoint as a WebSocket URL ({@code wss://...}); its labels query is the same
 *     URL over HTTP(S), as Kili's SDK derives one from the other
 * @param apiKey the Kili API key, a secret reference ({@code env:KILI_API_KEY})
 * @param projects the Kili project ids, one subscription each
 * @param keepAliveTimeout a connection that sends nothing (not even Kili's {@code ka}) for this long is replaced
 * @param renewEvery a connection is replaced after this long, well before Kili ends subscriptions (about 30 days)
 * @param initialBackoff the first wait before reconnecting; it doubles per failed attempt, with jitter
 * @param maxBackoff the longest wait before reconnecting
 * @param pageSize labels per page of the labels query
 * @param requestTimeout the longest wait for a connection's {@code connection_ack} or a page of labels
 */
public record KiliPullConfig(
    String endpoint,
    SecretRef apiKey,
    List<String> projects,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration keepAliveTimeout,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration renewEvery,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration initialBackoff,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration maxBackoff,
    Integer pageSize,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration requestTimeout) {
  public static final String KILI_ENDPOINT = "wss://cloud.kili-technology.com/api/label/v2/graphql";

  public KiliPullConfig {
    endpoint = endpoint == null ? KILI_ENDPOINT : endpoint;
    projects = projects == null ? List.of() : List.copyOf(projects);
    keepAliveTimeout = keepAliveTimeout == null ? Duration.ofSeconds(60) : keepAliveTimeout;
    renewEvery = renewEvery == null ? Duration.ofHours(24) : renewEvery;
    initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
    maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
    pageSize = pageSize == null ? 100 : pageSize;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
  }
}
