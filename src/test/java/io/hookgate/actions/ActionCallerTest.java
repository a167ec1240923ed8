package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.config.ConfigLoader;
import io.hookgate.testing.RecordingHttpServer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ActionCaller#prepare} refuses what HTTP cannot carry, and names it without showing the value. */
class ActionCallerTest {
  private static final String TOKEN = "tok-secret-0123456789";
  private static final Map<String, String> ENV = Map.of("TOKEN", TOKEN);
  private static Vertx vertx;
  private static RecordingHttpServer server;
  private static ActionCaller caller;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = RecordingHttpServer.start();
    caller = new ActionCaller(new SsrfGuard(vertx), ActionsGateway.MAPPER, Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Target target(String baseUrl) {
    var config = new ConfigLoader(ENV).loadYaml("""
        targets:
          t:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
            timeout: 2s
            auth: { header: Authorization, prefix: "Bearer ", secret: env:TOKEN }
        """.formatted(baseUrl)).targets().get("t");
    return Target.resolve("t", config, ENV);
  }

  @Test
  void prepareRefusesWhatHttpCannotCarryAndPassesTheRest() {
    Target target = target(server.baseUrl());
    ActionRecord ok = ActionsGateway.action("evt:rule:0", "t", "http", "/x", ActionsGateway.json("{}"));
    var request = caller.prepare(target, ok);
    assertThat(request.headers().get("Idempotency-Key")).isEqualTo("evt:rule:0");
    assertThat(request.headers().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    for (String id : new String[] {"evt\n:rule:0", "evt\r:rule:0", "evt\u0000:rule:0", "evt\u007f:rule:0"}) {
      ActionRecord bad = ActionsGateway.action(id, "t", "http", "/x", ActionsGateway.json("{}"));
      assertThatThrownBy(() -> caller.prepare(target, bad)).as(HttpSyntax.shown(id))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid header value for Idempotency-Key (the action id): contains a ");
    }
    // Tabs and text beyond ASCII are valid in a header value, as before.
    assertThat(HttpSyntax.valueProblem("a\tb é ✓")).isNull();
    assertThat(HttpSyntax.isToken("X-Label")).isTrue();
    assertThat(HttpSyntax.isToken("X Label")).isFalse();
    assertThat(HttpSyntax.isToken("")).isFalse();
  }
}
