package io.hookgate.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * Scenario A, the ceiling: a bare Vert.x HTTP server on one event loop that reads the whole body and
 * answers 204. Everything B and C add (Kafka, hookgate's work) is measured against it.
 *
 * <p>Argument: the port.
 */
public final class BareServer extends VerticleBase {
  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.deployVerticle(new BareServer(port), new DeploymentOptions().setInstances(1)).await(30, TimeUnit.SECONDS);
    System.out.println("SERVER READY " + port);
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(req -> req.body().onComplete(ar -> {
          if (ar.failed()) {
            req.response().setStatusCode(400).end();
          } else {
            req.response().setStatusCode(204).end();
          }
        }))
        .listen(port, "127.0.0.1");
  }
}
