package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.http.Problem;
import io.hookgate.pull.PullModule;
import io.hookgate.pull.PullSource;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The pull of a {@code kili-subscription} source: its state per project, and pause and resume, like the Kili SDK's
 * subscription client. A pause closes the subscriptions; a resume opens them and backfills what was created
 * meanwhile. A pause is kept in Kafka and lasts until resumed; any replica may be asked (see {@code PullSource}).
 */
final class SourcePullApi {
  private final PullModule pull;
  private final ObjectMapper mapper;

  SourcePullApi(PullModule pull, ObjectMapper mapper) {
    this.pull = pull;
    this.mapper = mapper;
  }

  Map<String, ApiOperation> operations() {
    return Map.of(
        "getSourcePull", r -> Future.succeededFuture(Answer.json(200, view(source(r)))),
        "pauseSourcePull", r -> {
          PullSource s = source(r);
          return s.pause().map(v -> Answer.json(200, view(s)));
        },
        "resumeSourcePull", r -> {
          PullSource s = source(r);
          return s.resume().map(v -> Answer.json(200, view(s)));
        });
  }

  private PullSource source(ApiRequest r) {
    String name = r.path("name");
    return pull.source(name).orElseThrow(() -> new ApiProblem(Problem.of(404, "unknown_pull_source",
        "Unknown Pull Source", "no source '" + name + "' that pulls its events (kind kili-subscription)")));
  }

  private JsonNode view(PullSource s) {
    ObjectNode out = mapper.createObjectNode().put("source", s.name()).put("kind", "kili-subscription")
        .put("paused", s.paused()).put("held", s.held());
    out.set("projects", mapper.valueToTree(s.projects()));
    return out;
  }
}
