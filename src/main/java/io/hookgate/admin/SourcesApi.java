package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.SourceConfig;
import io.hookgate.http.Problem;
import io.hookgate.ingress.RecentRequests;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The configured webhook sources, and the last requests each received on this replica (accepted and refused,
 * credentials masked): what a user checks when a platform says "your webhook failed". Answers say which replica
 * served them, since each keeps its own.
 */
final class SourcesApi {
  private final Map<String, SourceConfig> sources;
  private final RecentRequests recent;
  private final String replica;
  private final ObjectMapper mapper;

  /** @param replica this process's name in answers (its host name: the pod's name in Kubernetes) */
  SourcesApi(Map<String, SourceConfig> sources, RecentRequests recent, String replica, ObjectMapper mapper) {
    this.sources = sources;
    this.recent = recent;
    this.replica = replica;
    this.mapper = mapper;
  }

  Map<String, ApiOperation> operations() {
    return Map.of(
        "listSources", r -> Future.succeededFuture(Answer.json(200, list())),
        "listSourceRequests", r -> Future.succeededFuture(Answer.json(200, requests(r.path("name"),
            r.query("limit", 50)))));
  }

  private ObjectNode list() {
    ObjectNode out = mapper.createObjectNode().put("replica", replica);
    ArrayNode items = out.putArray("items");
    recent.sources().forEach(name -> {
      SourceConfig s = sources.get(name);
      ObjectNode item = items.addObject().put("name", name).put("kind", s.kind())
          .put("authType", s.auth() == null ? null : s.auth().type());
      RecentRequests.Summary summary = recent.summary(name);
      item.putObject("recent").put("window", RecentRequests.WINDOW.toString())
          .put("kept", recent.enabled())
          .put("accepted", summary.accepted()).put("refused", summary.refused())
          .set("refusals", mapper.valueToTree(summary.refusals()));
    });
    return out;
  }

  private ObjectNode requests(String name, int limit) {
    if (!sources.containsKey(name)) {
      throw new ApiProblem(Problem.of(404, "unknown_source", "Unknown Source",
          "no webhook source named '" + name + "' is configured"));
    }
    ObjectNode out = mapper.createObjectNode().put("replica", replica).put("source", name);
    out.set("items", mapper.valueToTree(recent.requests(name, limit)));
    return out;
  }
}
