package io.hookgate.connections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Isahit Lab: the webhook of every batch of the project, as the {@code isahitlab} Python SDK's
 * {@code setup_webhook(project_id, webhook_url, webhook_header)} sets it (isahitlab/operations/webhook/
 * setup_webhook.py): the project's batches page by page ({@code GET api/task-manager/batches?pagination=true
 * &page=N&limit=10&projectId=P}, isahitlab/api/batch/api.py and mappers.py), then for each
 * {@code PATCH api/workflow-manager/workflows/setup-webhook?batchId=B} with {@code {"url", "header"}}
 * (isahitlab/api/workflow/api.py). Authenticated as the SDK's HttpClient does (isahitlab/core/http/http_client.py):
 * the access id and secret key posted as a form to {@code api/user-manager/auth/login}, which answers 201 with
 * {@code access_token} and {@code expires_in}; then {@code Authorization: Bearer <access_token>} until it expires.
 */
final class IsahitConnector implements Platform {
  /** The SDK's page size. */
  static final int PAGE_SIZE = 10;
  private static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

  private record Token(String bearer, Instant expiresAt) {
  }

  private final WebClient http;
  private final String root;
  private final Secret accessId;
  private final Secret secretKey;
  private final Duration timeout;
  private final ObjectMapper mapper;
  private final Clock clock;
  private volatile Token token;

  /** @param root the API's root, such as {@code https://hub-api.isahit.com/} */
  IsahitConnector(WebClient http, String root, Secret accessId, Secret secretKey, Duration timeout,
      ObjectMapper mapper, Clock clock) {
    this.http = http;
    this.root = root.endsWith("/") ? root : root + "/";
    this.accessId = accessId;
    this.secretKey = secretKey;
    this.timeout = timeout;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public Future<Integer> register(String projectId, String webhookUrl, String secret, boolean existing) {
    ObjectNode webhook = mapper.createObjectNode().put("url", webhookUrl).put("header", secret);
    return batches(projectId, 1, new ArrayList<>()).compose(ids -> setup(ids, 0, webhook).map(v -> ids.size()));
  }

  /**
   * Isahit Lab's API has no call that removes a batch's webhook (the SDK has none): the connection is forgotten,
   * so that its secret is refused, and the platform's calls fail with 401 until the webhook is changed there.
   */
  @Override
  public Future<Void> unregister(String projectId) {
    return Future.succeededFuture();
  }

  @Override
  public boolean rechecks() {
    return true;
  }

  private Future<List<String>> batches(String projectId, int page, List<String> into) {
    return bearer().compose(auth -> http.getAbs(root + "api/task-manager/batches")
        .addQueryParam("pagination", "true")
        .addQueryParam("page", String.valueOf(page))
        .addQueryParam("limit", String.valueOf(PAGE_SIZE))
        .addQueryParam("projectId", projectId)
        .putHeader("Authorization", auth)
        .timeout(timeout.toMillis())
        .send()
        .recover(e -> unreachable("the batches of project " + projectId, e)))
        .compose(r -> json(r, "the batches of project " + projectId, 200))
        .compose(page1 -> {
          for (JsonNode doc : page1.path("docs")) {
            into.add(doc.path("_id").asText());
          }
          boolean more = page1.path("hasNextPage").asBoolean(false);
          int next = page1.path("nextPage").asInt(page + 1);
          return more && next > page ? batches(projectId, next, into) : Future.succeededFuture(into);
        });
  }

  private Future<Void> setup(List<String> batchIds, int i, ObjectNode webhook) {
    if (i >= batchIds.size()) {
      return Future.succeededFuture();
    }
    String batchId = batchIds.get(i);
    return bearer().compose(auth -> http.patchAbs(root + "api/workflow-manager/workflows/setup-webhook")
        .addQueryParam("batchId", batchId)
        .putHeader("Authorization", auth)
        .putHeader("Content-Type", "application/json")
        .timeout(timeout.toMillis())
        .sendBuffer(Buffer.buffer(webhook.toString()))
        .recover(e -> unreachable("setup-webhook of batch " + batchId, e)))
        .compose(r -> r.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture(refusal("setup-webhook of batch " + batchId, r)))
        .compose(v -> setup(batchIds, i + 1, webhook));
  }

  /** The bearer token, logging in again when it is about to expire. */
  private Future<String> bearer() {
    Token t = token;
    if (t != null && clock.instant().plus(REFRESH_BEFORE).isBefore(t.expiresAt())) {
      return Future.succeededFuture(t.bearer());
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("access_id", accessId.reveal())
        .add("secret_key", secretKey.reveal());
    return http.postAbs(root + "api/user-manager/auth/login")
        .timeout(timeout.toMillis())
        .sendForm(form)
        .recover(e -> unreachable("the login", e))
        .compose(r -> {
          if (r.statusCode() == 401 || r.statusCode() == 403) {
            return Future.failedFuture(new PlatformException("Isahit Lab refused the credentials (HTTP "
                + r.statusCode() + "); check connect.accessId and connect.secretKey"));
          }
          return json(r, "the login", 201);
        })
        .compose(json -> {
          String access = json.path("access_token").asText("");
          if (access.isEmpty()) {
            return Future.failedFuture(new PlatformException("Isahit Lab's login answered no access_token"));
          }
          Token fresh = new Token("Bearer " + access, clock.instant().plusSeconds(json.path("expires_in").asLong(0)));
          token = fresh;
          return Future.succeededFuture(fresh.bearer());
        });
  }

  private Future<JsonNode> json(HttpResponse<Buffer> r, String what, int expected) {
    if (r.statusCode() != expected && r.statusCode() / 100 != 2) {
      return Future.failedFuture(refusal(what, r));
    }
    try {
      return Future.succeededFuture(mapper.readTree(r.bodyAsString() == null ? "{}" : r.bodyAsString()));
    } catch (IOException e) {
      return Future.failedFuture(new PlatformException("Isahit Lab answered " + what + " with a body that is not "
          + "JSON"));
    }
  }

  /** What Isahit Lab answered, without the credentials should it echo them (the caller masks the connection's). */
  private PlatformException refusal(String what, HttpResponse<Buffer> r) {
    String body = r.bodyAsString() == null ? "" : r.bodyAsString().strip();
    body = body.replace(secretKey.reveal(), "****").replace(accessId.reveal(), "****");
    if (body.length() > 200) {
      body = body.substring(0, 200) + "...";
    }
    return new PlatformException("Isahit Lab answered " + what + " with HTTP " + r.statusCode()
        + (body.isEmpty() ? "" : ": " + body));
  }

  private static <T> Future<T> unreachable(String what, Throwable e) {
    return Future.failedFuture(new PlatformException("Isahit Lab could not be reached for " + what + ": "
        + e.getMessage()));
  }
}
