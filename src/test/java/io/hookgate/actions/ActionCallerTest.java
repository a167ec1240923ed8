package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.config.ConfigLoader;
import io.hookgate.testing.KafkaBrokers;
import io.hookgate.testing.RecordingHttpServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ActionCaller#call} against real sockets: what fails before the request is on the wire is refused
 * (permanent, nothing to do with the target), what fails on the network stays retryable. The end-to-end
 * refusals of invalid actions are in {@link ActionRefusalTest}; here the caller is given requests that
 * {@link ActionCaller#prepare} would not build, to reach the HTTP client's own refusal.
 */
class ActionCallerTest {
  private static final String TOKEN = "tok-secret-0123456789";
  private static final Map<String, String> ENV = Map.of("TOKEN", TOKEN);
  private static Vertx vertx;
  private static WebClient client;
  private static RecordingHttpServer server;
  private static final ActionKinds KINDS = ActionKinds.standard(ActionsGateway.MAPPER);
  private static ActionCaller caller;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    server = RecordingHttpServer.start();
    caller = new ActionCaller(new SsrfGuard(vertx), KINDS, Clock.systemUTC());
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

  private static CallResult call(Target target, MultiMap headers) throws Exception {
    var request = new ActionCaller.Request(KINDS.get("http").orElseThrow(), HttpMethod.POST,
        URI.create(target.baseUri() + "/x"), headers,
        null, null);
    return caller.call(target, client, request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestTheClientRefusesToBuildIsRefusedWithTheValueRedactedOnOneLine() throws Exception {
    Target target = target(server.baseUrl());
    // A value carrying the credential and a line break: the client's message quotes it.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("X-Copy", "Bearer " + TOKEN + "\nX-Injected: yes");
    CallResult result = call(target, headers);
    assertThat(result.verdict()).isEqualTo(CallResult.Verdict.REFUSED);
    assertThat(result.statusCode()).isNull();
    assertThat(result.message()).startsWith("could not build the request: ")
        .contains("Bearer ****\\nX-Injected")
        .doesNotContain(TOKEN)
        .doesNotContain("\n");
    assertThat(server.requests("/x")).isEmpty();
  }

  @Test
  void aNetworkErrorStaysRetryable() throws Exception {
    // A port nothing listens on: the connection is refused, the target may come back.
    Target target = target("http://127.0.0.1:" + KafkaBrokers.freePort());
    CallResult result = call(target, MultiMap.caseInsensitiveMultiMap().set("X-Label", "l1"));
    assertThat(result.verdict()).isEqualTo(CallResult.Verdict.RETRYABLE);
    assertThat(result.message()).doesNotStartWith("unexpected error");
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

  /**
   * An HTTP/1.1 client writes header values as Latin-1: ids beyond it went out as "a?", and two events became one
   * key. They are percent-encoded, '%' included, so distinct ids stay distinct; what hookgate makes is unchanged.
   */
  @Test
  void idsBeyondAsciiBecomeDistinctAsciiKeys() throws Exception {
    Target target = target(server.baseUrl());
    List<String> ids = List.of("a\u2713:r:0", "a\u2717:r:0", "a%E2%9C%93:r:0", "caf\u00e9:r:0", "\ud83d\ude00:r:0");
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (String id : ids) {
      String key = caller.prepare(target, ActionsGateway.action(id, "t", "http", "/x", ActionsGateway.json("{}")))
          .headers().get("Idempotency-Key");
      assertThat(key).as(id).matches("[\\x20-\\x7e]+");
      keys.add(key);
    }
    assertThat(keys).hasSize(ids.size());
    assertThat(HttpSyntax.headerId("5f3bb6e8f1b419736dc86cd6b9b3143c:kili-qa:0"))
        .isEqualTo("5f3bb6e8f1b419736dc86cd6b9b3143c:kili-qa:0");
    assertThat(HttpSyntax.headerId("a\u2713")).isEqualTo("a%E2%9C%93");

    // And on the wire: the server receives the encoded key, not "a?".
    var request = caller.prepare(target,
        ActionsGateway.action("a\u2713:r:1", "t", "http", "/idkey", ActionsGateway.json("{}")));
    CallResult result = caller.call(target, client, request).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(server.await("/idkey", 1, java.time.Duration.ofSeconds(5)).get(0).header("Idempotency-Key"))
        .isEqualTo("a%E2%9C%93:r:1");
  }
}
