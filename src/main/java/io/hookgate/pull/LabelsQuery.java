package io.hookgate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Kili's {@code labels} query over HTTP, for the backfill: every label of a project created at or after a time,
 * page by page ({@code first}, {@code skip}), sorted oldest first. The API key goes in the {@code Authorization}
 * header as {@code X-API-Key: <key>}, as Kili's SDK sends it.
 */
final class LabelsQuery {
  private final WebClient http;
  private final String url;
  private final String authorization;
  private final int pageSize;
  private final Duration timeout;
  private final ObjectMapper mapper;

  /**
   * @param url Kili's GraphQL endpoint over HTTP(S)
   * @param authorization {@code X-API-Key: <key>}; never logged
   */
  LabelsQuery(WebClient http, String url, String authorization, int pageSize, Duration timeout, ObjectMapper mapper) {
    this.http = http;
    this.url = url;
    this.authorization = authorization;
    this.pageSize = pageSize;
    this.timeout = timeout;
    this.mapper = mapper;
  }

  /** The GraphQL endpoint over HTTP(S) of a WebSocket one, as the SDK makes one of the other. */
  static String httpUrl(String wsEndpoint) {
    return wsEndpoint.startsWith("wss:") ? "https:" + wsEndpoint.substring(4)
        : wsEndpoint.startsWith("ws:") ? "http:" + wsEndpoint.substring(3) : wsEndpoint;
  }

  /** Every label of the project created at or after {@code createdAtGte}, oldest first (then by id). */
  Future<List<JsonNode>> since(String projectId, String createdAtGte) {
    return page(projectId, createdAtGte, 0, new ArrayList<>()).map(all -> {
      all.sort(Comparator.comparing((JsonNode l) -> LabelTimes.parse(l.path("createdAt").asText()))
          .thenComparing(l -> l.path("id").asText()));
      return all;
    });
  }

  private Future<List<JsonNode>> page(String projectId, String createdAtGte, int skip, List<JsonNode> into) {
    ObjectNode body = mapper.createObjectNode().put("query", KiliDocuments.LABELS);
    ObjectNode variables = body.putObject("variables");
    ObjectNode where = variables.putObject("where");
    where.putObject("project").put("id", projectId);
    where.put("createdAtGte", createdAtGte);
    variables.put("first", pageSize).put("skip", skip);
    return http.postAbs(url)
        .putHeader("Authorization", authorization)
        .putHeader("Accept", "application/json")
        .putHeader("Content-Type", "application/json")
        .timeout(timeout.toMillis())
        .sendBuffer(Buffer.buffer(body.toString()))
        .compose(this::labels)
        .compose(labels -> {
          for (JsonNode l : labels) {
            // A label without a readable time cannot be placed; LabelRecords refuses it, counted as an error.
            into.add(l);
          }
          return labels.size() < pageSize ? Future.succeededFuture(into)
              : page(projectId, createdAtGte, skip + labels.size(), into);
        });
  }

  private Future<List<JsonNode>> labels(HttpResponse<Buffer> response) {
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      return Future.failedFuture(new KiliRefusal("Kili refused the API key on the labels query (HTTP "
          + response.statusCode() + "); check pull.apiKey"));
    }
    JsonNode json;
    try {
      json = mapper.readTree(response.bodyAsString() == null ? "{}" : response.bodyAsString());
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("the labels query answered HTTP " + response.statusCode()
          + " with a body that is not JSON"));
    }
    JsonNode errors = json.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("the labels query failed: "
          + errors.path(0).path("message").asText("an error without a message")));
    }
    JsonNode data = json.path("data").path("data");
    if (response.statusCode() != 200 || !data.isArray()) {
      return Future.failedFuture(new IllegalStateException("the labels query answered HTTP " + response.statusCode()
          + " without a list of labels"));
    }
    List<JsonNode> out = new ArrayList<>();
    data.forEach(out::add);
    return Future.succeededFuture(out);
  }

  /** Kili refused the credentials: reported as such in health and logs, not as a network failure. */
  static final class KiliRefusal extends RuntimeException {
    KiliRefusal(String message) {
      super(message, null, false, false);
    }
  }
}
