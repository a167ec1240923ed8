package io.hookgate.bench.actions;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Posts the same Kili webhook to the gateway's ingress, each with its own {@code webhook-id} header (which
 * hookgate takes as the event id, so every webhook is a distinct event). The HTTP client's pool holds the
 * keep-alive connections.
 */
final class WebhookPoster implements Submitter {
  private final HttpClient client;
  private final RequestOptions request;
  private final Buffer body;

  WebhookPoster(HttpClient client, String host, int port, String path, Buffer body, String auth) {
    this.client = client;
    this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .putHeader("Content-Type", "application/json")
        .putHeader("Authorization", auth);
    this.body = body;
  }

  @Override
  public Future<Long> submit(String id) {
    RequestOptions options = new RequestOptions(request).putHeader("webhook-id", id);
    return client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() == 202
            ? Future.succeededFuture(System.nanoTime())
            : Future.failedFuture(new Refused("HTTP " + resp.statusCode()))));
  }
}
