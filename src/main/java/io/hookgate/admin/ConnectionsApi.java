package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.connections.Connection;
import io.hookgate.connections.ConnectionProblem;
import io.hookgate.connections.ConnectionService;
import io.hookgate.connections.ConnectionStore;
import io.hookgate.http.Problem;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * hookgate registered on the platforms of kili and isahit sources: connect a project, list the connections with
 * their state and last check, rotate a connection's secret, disconnect. The secrets go to the platform only: no
 * answer shows them.
 */
final class ConnectionsApi {
  private final ConnectionService service;
  private final ConnectionStore store;
  private final ObjectMapper mapper;
  private final Clock clock;

  ConnectionsApi(ConnectionService service, ConnectionStore store, ObjectMapper mapper, Clock clock) {
    this.service = service;
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
  }

  Map<String, ApiOperation> operations() {
    return Map.of(
        "listConnections", r -> answer(() -> {
          String source = connecting(r.path("name"));
          ObjectNode out = mapper.createObjectNode().put("source", source);
          ArrayNode items = out.putArray("items");
          store.of(source).forEach(c -> items.add(view(c)));
          return Future.succeededFuture(Answer.json(200, out));
        }),
        "createConnection", r -> answer(() -> {
          String source = connecting(r.path("name"));
          String projectId = r.body().getString("projectId");
          boolean existed = store.get(source, projectId).isPresent();
          return service.connect(source, projectId).map(c -> Answer.json(existed ? 200 : 201, view(c))
              .withHeader("Location", location(source, projectId)));
        }),
        "getConnection", r -> answer(() -> {
          String source = connecting(r.path("name"));
          String projectId = r.path("projectId");
          return Future.succeededFuture(Answer.json(200,
              view(store.get(source, projectId).orElseThrow(
                  () -> new ApiProblem(Problem.of(404, "unknown_connection", "Not Found", "source '" + source
                      + "' has no connection for project '" + projectId + "'"))))));
        }),
        "rotateConnectionSecret", r -> answer(() -> service.rotate(connecting(r.path("name")), r.path("projectId"))
            .map(c -> Answer.json(200, view(c)))),
        "deleteConnection", r -> answer(() -> service.disconnect(connecting(r.path("name")), r.path("projectId"))
            .map(v -> Answer.noContent())));
  }

  private String connecting(String source) {
    if (service.kindOf(source).isEmpty()) {
      throw new ApiProblem(Problem.of(404, "no_connections", "Not Found", "source '" + source + "' does not "
          + "connect to its platform: only kili and isahit sources with a 'connect' block do"));
    }
    return source;
  }

  private static String location(String source, String projectId) {
    return "/api/v1/sources/" + source + "/connections/" + projectId;
  }

  /** The service's refusals as the API's problems, whether thrown or failed. */
  private static Future<Answer> answer(Supplier<Future<Answer>> call) {
    Future<Answer> f;
    try {
      f = call.get();
    } catch (ConnectionProblem e) {
      return Future.failedFuture(new ApiProblem(e.problem()));
    }
    return f.recover(e -> Future.failedFuture(e instanceof ConnectionProblem p ? new ApiProblem(p.problem())
        : e instanceof ApiProblem ? e
        : ApiProblem.unavailable("connection_not_saved", "the connection could not be written to Kafka ("
            + e.getMessage() + "); ask again")));
  }

  private JsonNode view(Connection c) {
    Instant now = clock.instant();
    ObjectNode out = mapper.createObjectNode()
        .put("source", c.source())
        .put("projectId", c.projectId())
        .put("kind", c.kind())
        .put("state", c.state().name())
        .put("message", c.message())
        .put("webhookUrl", c.webhookUrl())
        .put("createdAt", text(c.createdAt()))
        .put("updatedAt", text(c.updatedAt()))
        .put("lastCheck", text(c.lastCheck()));
    Duration every = service.recheckEvery(c.source());
    out.put("nextCheck", every == null || c.lastCheck() == null ? null : text(c.lastCheck().plus(every)));
    if (c.kind().equals("isahit")) {
      out.put("batches", c.batches());
    }
    out.put("previousSecretAcceptedUntil", c.previousAccepted(now) ? text(c.previousUntil()) : null);
    return out;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
