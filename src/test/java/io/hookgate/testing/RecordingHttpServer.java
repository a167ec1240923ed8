package io.hookgate.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * A real HTTP server on a free loopback port that records every request it receives (method, path,
 * headers, body, arrival time) and answers as each path is scripted: a list of replies given in turn (the
 * last one repeats), or a function of the request. Unscripted paths get 200 {@code ok}.
 */
public final class RecordingHttpServer implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Recorded, Reply>> scripts = new ConcurrentHashMap<>();

  /** A request as received. {@code nanos} is System.nanoTime() at arrival, for measuring gaps. */
  public record Recorded(String method, String path, String uri, Map<String, List<String>> headers, String body,
      long nanos) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().isEmpty() ? null : e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** @param delayMillis how long to wait before answering (a slow target) */
  public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {
    public static Reply of(int status, String body) {
      return new Reply(status, Map.of(), body, 0);
    }

    public Reply after(Duration delay) {
      return new Reply(status, headers, body, delay.toMillis());
    }

    public static Reply ok() {
      return of(200, "ok");
    }

    public Reply header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, h, body, delayMillis);
    }
  }

  private RecordingHttpServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static RecordingHttpServer start() {
    Vertx vertx = Vertx.vertx();
    RecordingHttpServer[] self = new RecordingHttpServer[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].handle(req));
    self[0] = new RecordingHttpServer(vertx, server);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return self[0];
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buffer -> {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      MultiMap h = req.headers();
      h.names().forEach(n -> headers.put(n, List.copyOf(h.getAll(n))));
      Recorded r = new Recorded(req.method().name(), req.path(), req.uri(), headers,
          buffer.toString(StandardCharsets.UTF_8), System.nanoTime());
      requests.add(r);
      Reply reply = scripts.getOrDefault(req.path(), x -> Reply.ok()).apply(r);
      Runnable answer = () -> {
        var response = req.response().setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        response.end(reply.body() == null ? "" : reply.body());
      };
      if (reply.delayMillis() > 0) {
        vertx.setTimer(reply.delayMillis(), t -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Replies to {@code path} in turn; the last one is repeated for any further request. */
  public RecordingHttpServer script(String path, Reply... replies) {
    List<Reply> list = List.of(replies);
    int[] next = {0};
    scripts.put(path, r -> {
      synchronized (next) {
        Reply reply = list.get(Math.min(next[0], list.size() - 1));
        next[0]++;
        return reply;
      }
    });
    return this;
  }

  public RecordingHttpServer respond(String path, Function<Recorded, Reply> replier) {
    scripts.put(path, replier);
    return this;
  }

  public List<Recorded> requests(String path) {
    List<Recorded> out = new ArrayList<>();
    for (Recorded r : requests) {
      if (r.path().equals(path)) {
        out.add(r);
      }
    }
    return out;
  }

  public List<Recorded> all() {
    return List.copyOf(requests);
  }

  /** Waits until {@code path} has received at least {@code count} requests; returns them. */
  public List<Recorded> await(String path, int count, Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> requests(path).size() >= count);
    return requests(path);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort in tests.
    }
  }
}
