package io.hookgate.bench.actions;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The receiver of the actions: a bare Vert.x HTTP server that reads the whole body, notes when it had it
 * and answers 200 with no body. What it received is handed to a {@link Listener} on the same event loop.
 */
public final class Sink {
  /** Called on the sink's event loop for every request, once its body has been read. */
  public interface Listener {
    void received(long atNanos, MultiMap headers, Buffer body);
  }

  private Sink() {
  }

  /**
   * @param connections counted up on every connection the sink accepts: a client that does not keep its
   *     connections alive shows here
   */
  public static Future<HttpServer> listen(Vertx vertx, int port, Listener listener, Runnable connections) {
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .connectionHandler(c -> connections.run())
        .requestHandler(req -> req.body().onComplete(ar -> {
          if (ar.failed()) {
            req.response().setStatusCode(400).end();
            return;
          }
          long at = System.nanoTime();
          req.response().setStatusCode(200).end();
          listener.received(at, req.headers(), ar.result());
        }))
        .listen(port, "127.0.0.1");
  }
}
