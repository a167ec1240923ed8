package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.ingress.auth.NoAuthenticator;
import io.hookgate.testing.RawHttp;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The body reader alone, behind a bare Vert.x server that answers with what it read (200 and its length) or
 * with the refusal's status; its clock is the test's, so the timeout needs no waiting. No broker.
 */
class BodyReaderTest {
  private static final ConfiguredSource SOURCE = new ConfiguredSource("s", "kili", new NoAuthenticator(), null, 16);
  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicReference<Context> context = new AtomicReference<>();
  private Vertx vertx;
  private HttpServer server;
  private BodyReader reader;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    reader = new BodyReader(Duration.ofSeconds(5), now::get);
    server = vertx.createHttpServer().requestHandler(req -> {
      context.set(Vertx.currentContext());
      long declared = req.getHeader("Content-Length") == null ? -1 : Long.parseLong(req.getHeader("Content-Length"));
      reader.read(req, SOURCE, declared).onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().setStatusCode(200).end(Integer.toString(ar.result().length()));
        } else if (ar.cause() instanceof Refused r) {
          req.response().setStatusCode(r.refusal().status()).putHeader("Connection", "close")
              .end(r.refusal().problem().detail());
        }
      });
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyWithinTheLimitIsReadWhole() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", server.actualPort())) {
      http.head("POST", "/", Map.of("Content-Length", "16")).write(bytes("{\"a\":\"0123456\"}\n"));
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("16");
    }
    try (RawHttp http = new RawHttp("127.0.0.1", server.actualPort())) {
      http.head("POST", "/", Map.of("Transfer-Encoding", "chunked"));
      http.chunk(bytes("{\"a\":")).chunk(bytes("1}")).chunk(new byte[0]);
      assertThat(http.readResponse().body()).isEqualTo("7");
    }
    assertThat(pending()).isZero();
  }

  @Test
  void aBodyOverTheLimitIsRefusedAsItArrives() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", server.actualPort())) {
      http.head("POST", "/", Map.of("Transfer-Encoding", "chunked"));
      http.chunk(bytes("{\"a\":\"0123456789")).chunk(bytes("0123456789\"}"));
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(413);
      assertThat(response.body()).isEqualTo("the body exceeds the limit of 16 bytes for source 's'");
    }
    assertThat(pending()).isZero();
  }

  @Test
  void aBodyNotReceivedInTimeIsRefusedAtTheFirstSweepPastItsDeadline() throws Exception {
    try (RawHttp http = new RawHttp("127.0.0.1", server.actualPort())) {
      http.head("POST", "/", Map.of("Content-Length", "10")).write(bytes("{\"a\":"));
      awaitPending(1);
      now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
      sweep();
      assertThat(pending()).isOne();
      now.addAndGet(1);
      sweep();
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(408);
      assertThat(response.body()).isEqualTo("the body was not received within 5s");
    }
    assertThat(pending()).isZero();
    assertThat(reader.sweepInterval()).isEqualTo(Duration.ofMillis(500));
  }

  private void sweep() throws Exception {
    onEventLoop(() -> {
      reader.sweep();
      return null;
    });
  }

  private int pending() throws Exception {
    return onEventLoop(reader::pending);
  }

  private void awaitPending(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> context.get() != null && pending() == n);
  }

  /** The reader belongs to the server's event loop: it is looked at there. */
  private <T> T onEventLoop(Callable<T> call) throws Exception {
    Context ctx = context.get();
    if (ctx == null) {
      return call.call();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        result.complete(call.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
