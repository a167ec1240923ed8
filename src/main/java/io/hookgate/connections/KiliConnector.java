package io.hookgate.connections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Duration;

/**
 * Kili: one webhook plugin per connected project, named {@code hookgate-<source>-<projectId>} (a plugin's header
 * is the plugin's, so a secret of its own per project needs a plugin of its own), with the handler types
 * {@code onSubmit} and {@code onReview}, activated on the project. The calls are those of Kili's Python SDK
 * ({@code create_webhook}, {@code update_webhook}, {@code activate_plugin_on_project},
 * {@code deactivate_plugin_on_project}, {@code delete_plugin}: src/kili/services/plugins/upload.py and
 * activation.py), sent to the GraphQL endpoint with the API key as {@code Authorization: X-API-Key: <key>}.
 */
final class KiliConnector implements Platform {
  static final String KEY_PREFIX = "X-API-Key: ";
  private final WebClient http;
  private final String endpoint;
  private final String authorization;
  private final String source;
  private final Duration timeout;
  private final ObjectMapper mapper;

  /** @param authorization {@code X-API-Key: <key>} ({@link #KEY_PREFIX}); never logged */
  KiliConnector(WebClient http, String endpoint, String authorization, String source, Duration timeout,
      ObjectMapper mapper) {
    this.http = http;
    this.endpoint = endpoint;
    this.authorization = authorization;
    this.source = source;
    this.timeout = timeout;
    this.mapper = mapper;
  }

  /** The plugin of a project: Kili's plugin names are global to the organization, so they name source and project. */
  String pluginName(String projectId) {
    return "hookgate-" + source + "-" + projectId;
  }

  @Override
  public Future<Integer> register(String projectId, String webhookUrl, String secret, boolean existing) {
    ObjectNode webhook = mapper.createObjectNode();
    webhook.putArray("handlerTypes").add("onSubmit").add("onReview");
    webhook.put("pluginName", pluginName(projectId)).put("webhookUrl", webhookUrl).put("header", secret);
    Future<JsonNode> saved = existing
        ? call("updateWebhook", KiliPluginDocuments.UPDATE_WEBHOOK, webhook)
        : call("createWebhook", KiliPluginDocuments.CREATE_WEBHOOK, webhook).recover(e ->
        // Made by an earlier attempt whose answer was lost: the SDK's hint is update_webhook, so is ours.
        e.getMessage() != null && e.getMessage().contains(KiliPluginDocuments.PLUGIN_EXISTS)
            ? call("updateWebhook", KiliPluginDocuments.UPDATE_WEBHOOK, webhook) : Future.failedFuture(e));
    return saved.compose(v -> call("activatePluginOnProject", KiliPluginDocuments.ACTIVATE_PLUGIN_ON_PROJECT,
        where(projectId)).recover(
            e -> e.getMessage() != null
                && e.getMessage().contains(KiliPluginDocuments.ALREADY_ACTIVATED)
                    ? Future.succeededFuture() : Future.failedFuture(e)))
        .map(v -> 0);
  }

  @Override
  public Future<Void> unregister(String projectId) {
    ObjectNode plugin = mapper.createObjectNode().put("pluginName", pluginName(projectId));
    return call("deactivatePluginOnProject", KiliPluginDocuments.DEACTIVATE_PLUGIN_ON_PROJECT, where(projectId))
        .compose(v -> call("deletePlugin", KiliPluginDocuments.DELETE_PLUGIN, plugin))
        .mapEmpty();
  }

  @Override
  public boolean rechecks() {
    return false;
  }

  private ObjectNode where(String projectId) {
    return mapper.createObjectNode().put("pluginName", pluginName(projectId)).put("projectId", projectId);
  }

  private Future<JsonNode> call(String mutation, String document, ObjectNode variables) {
    ObjectNode body = mapper.createObjectNode().put("query", document);
    body.set("variables", variables);
    return http.postAbs(endpoint)
        .putHeader("Authorization", authorization)
        .putHeader("Accept", "application/json")
        .putHeader("Content-Type", "application/json")
        .timeout(timeout.toMillis())
        .sendBuffer(Buffer.buffer(body.toString()))
        .recover(e -> Future.failedFuture(new PlatformException("Kili could not be reached for " + mutation + ": "
            + e.getMessage())))
        .compose(r -> answer(mutation, r));
  }

  private Future<JsonNode> answer(String mutation, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      return Future.failedFuture(new PlatformException("Kili refused the API key on " + mutation + " (HTTP " + status
          + "); check connect.apiKey"));
    }
    JsonNode json;
    try {
      json = mapper.readTree(response.bodyAsString() == null ? "{}" : response.bodyAsString());
    } catch (IOException e) {
      return Future.failedFuture(new PlatformException("Kili answered " + mutation + " with HTTP " + status
          + " and a body that is not JSON"));
    }
    JsonNode errors = json.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      // Without the API key, should Kili echo the request (the connection's secret is masked by the caller).
      String message = errors.path(0).path("message").asText("an error without a message")
          .replace(authorization.substring(KEY_PREFIX.length()), "****");
      return Future.failedFuture(new PlatformException("Kili refused " + mutation + ": " + message));
    }
    if (status / 100 != 2) {
      return Future.failedFuture(new PlatformException("Kili answered " + mutation + " with HTTP " + status));
    }
    return Future.succeededFuture(json.path("data"));
  }
}
