package io.hookgate.bench.actions;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: a bare Vert.x WebClient, in a JVM on the server's core with the gateway's JVM settings,
 * posting the very call the gateway makes (the forwarded CloudEvent and its headers, saved by the pipeline
 * phase) straight to the sink, {@code connections} requests at a time, each sent again as soon as its
 * answer arrives. Nothing else: no Kafka, no rules, no signing, no SSRF check. It runs until killed; the
 * sink ({@link ActionsDriver}) measures.
 *
 * <p>Arguments: sink URL, connections, the saved call (headers, an empty line, the body).
 */
public final class CeilingClient extends VerticleBase {
  private final String url;
  private final int connections;
  private final MultiMap headers;
  private final Buffer body;
  private WebClient client;
  private long sequence;

  private CeilingClient(String url, int connections, MultiMap headers, Buffer body) {
    this.url = url;
    this.connections = connections;
    this.headers = headers;
    this.body = body;
  }

  public static void main(String[] args) throws Exception {
    String saved = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
    int split = saved.indexOf("\n\n");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String line : saved.substring(0, split).split("\n")) {
      int colon = line.indexOf(": ");
      headers.add(line.substring(0, colon), line.substring(colon + 2));
    }
    Buffer body = Buffer.buffer(saved.substring(split + 2).getBytes(StandardCharsets.UTF_8));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.deployVerticle(new CeilingClient(args[0], Integer.parseInt(args[1]), headers, body))
        .await(30, TimeUnit.SECONDS);
    System.out.println("CEILING RUNNING " + args[0] + " " + args[1] + " connections, " + body.length()
        + "-byte body");
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setUserAgent("hookgate"),
        new PoolOptions().setHttp1MaxSize(connections));
    for (int i = 0; i < connections; i++) {
      post();
    }
    return Future.succeededFuture();
  }

  private void post() {
    client.postAbs(url)
        .putHeaders(headers)
        .putHeader("Idempotency-Key", "ceiling-" + (sequence++))
        .putHeader("x-bench-sent", Long.toString(System.nanoTime()))
        .sendBuffer(body)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            post();
          } else {
            // The sink is gone (the phase is over): no busy loop of refused connections.
            vertx.setTimer(100, t -> post());
          }
        });
  }
}
