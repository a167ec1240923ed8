package io.hookgate.bench.management;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** hookgate's management API ({@code /api/v1}, docs/management-api.md) as the benchmark drivers call it: blocking. */
final class ManagementApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** @param base e.g. {@code http://127.0.0.1:9090/api/v1} */
  ManagementApi(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * {@code PUT /subscriptions/{id}} for the events of a Kili project, retried until the gateway takes it (it may
   * still be starting): 201.
   */
  void createSubscription(String id, String url, String project, Duration patience) throws Exception {
    JsonObject body = new JsonObject().put("url", url).put("description", "bench-management " + id)
        .put("filter", new JsonObject().put("sources", new JsonArray().add("kili"))
            .put("projects", new JsonArray().add(project)));
    put("/subscriptions/" + id, body, 201, patience);
  }

  JsonObject put(String path, JsonObject body, int expected, Duration patience) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json"), expected, patience);
  }

  JsonObject post(String path, JsonObject body, int expected, Duration patience) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(
        body.encode())).header("Content-Type", "application/json"), expected, patience);
  }

  JsonObject get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), 200, Duration.ofSeconds(10));
  }

  /** Sends until the answer is {@code expected} or {@code patience} has passed (connection refused, 503...). */
  private JsonObject send(HttpRequest.Builder request, int expected, Duration patience) throws Exception {
    HttpRequest r = request.header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(3)).build();
    long deadline = System.nanoTime() + patience.toNanos();
    String last = "";
    do {
      try {
        HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == expected) {
          return answer.body().isBlank() ? new JsonObject() : new JsonObject(answer.body());
        }
        last = answer.statusCode() + " " + answer.body();
        if (answer.statusCode() / 100 == 4 && answer.statusCode() != 404) {
          break;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException(r.method() + " " + r.uri() + ": expected " + expected + ", got " + last);
  }
}
