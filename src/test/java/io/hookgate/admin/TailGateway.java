package io.hookgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.SseStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway for the live tail's and the dry-run's tests: the API's tokens, a generic source {@code feed} without
 * authentication whose JSON bodies say their event id, type and project ({@code {"id","type","project"}}), and
 * the given {@code management.streams} settings; with ways to post events, open streams and read metrics.
 */
final class TailGateway implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final GatewayHarness harness;

  private TailGateway(GatewayHarness harness) {
    this.harness = harness;
  }

  /**
   * @param streams the {@code management.streams} mapping, as YAML flow ({@code { heartbeat: 300ms }})
   * @param env more environment variables
   */
  static TailGateway start(KafkaBroker broker, String streams, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(ApiGateways.env());
    all.putAll(env);
    String yaml = ApiGateways.yaml() + """
        management:
          streams: %s
        sources:
          feed:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type, projectId: /project, deliveryId: /id }
        """.formatted(streams);
    return new TailGateway(GatewayHarness.start(broker, yaml, all));
  }

  int port() {
    return harness.managementPort();
  }

  /** POSTs an event of the feed source; it is in Kafka when this returns (202). */
  void post(String id, String project, String extra) {
    String body = "{\"id\":\"" + id + "\",\"type\":\"label.changed\",\"project\":\"" + project + "\""
        + (extra == null ? "" : "," + extra) + "}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(harness.webhookUrl("feed")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void post(String id, String project) {
    post(id, project, null);
  }

  /** The stream's URI with these query parameters (encoded). */
  URI streamUri(Map<String, String> query) {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return URI.create("http://127.0.0.1:" + port() + "/api/v1/events/stream" + q);
  }

  /** A stream as the viewer, from now, or from {@code lastEventId}. */
  SseStream open(Map<String, String> query, String lastEventId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + ApiGateways.VIEWER_TOKEN);
    if (lastEventId != null) {
      headers.put("Last-Event-ID", lastEventId);
    }
    return SseStream.open(streamUri(query), headers);
  }

  /** A series' value from {@code /metrics}, named as written there ({@code name{label="value"}}); 0 when absent. */
  double metric(String series) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(r.body());
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Duration seconds(int s) {
    return Duration.ofSeconds(s);
  }

  @Override
  public void close() {
    harness.close();
  }
}
