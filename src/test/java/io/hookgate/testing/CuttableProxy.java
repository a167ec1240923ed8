package io.hookgate.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a local port to another, whose connections a test can cut, and which it can make refuse new
 * ones for a while: a network failure between a client and the gateway, without touching either.
 */
public final class CuttableProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;

  public CuttableProxy(int targetPort) throws Exception {
    var client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      if (refusing) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        sockets.add(in);
        sockets.add(out);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.handler(out::write);
        out.handler(in::write);
        in.resume();
      });
    });
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public int port() {
    return server.actualPort();
  }

  /** Closes every connection open through the proxy. */
  public void cut() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  /** While true, new connections are closed as soon as they come. */
  public void refuse(boolean refuse) {
    refusing = refuse;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
