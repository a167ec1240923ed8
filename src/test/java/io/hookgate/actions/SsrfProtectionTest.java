package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SSRF protection end to end: calls to loopback, private and metadata addresses, by IP or by name, and a
 * redirect from an allowed server to a private address, are refused before any connection is made and
 * go to the dead-letter topic with a clear last error. No packet ever leaves for 10.0.0.1 or
 * 169.254.169.254: the guard refuses before connecting, which the first lines check up front.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SsrfProtectionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static RecordingHttpServer server;
  private static ActionsGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    // Never run the end-to-end refusals if the guard itself would let these through.
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName("10.0.0.1"))).isNotNull();
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName("169.254.169.254"))).isNotNull();
    server = RecordingHttpServer.start();
    gateway = ActionsGateway.start(broker, ActionsGateway.Topics.fresh(), """
        targets:
          loopback:
            baseUrl: http://127.0.0.1:%1$d
          by-name:
            baseUrl: http://localhost:%1$d
          private:
            baseUrl: http://10.0.0.1:9
          metadata:
            baseUrl: http://169.254.169.254
          redirector:
            baseUrl: http://127.0.0.1:%1$d
            allowedHosts: [ 127.0.0.1 ]
        """.formatted(server.port()), Map.of());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void loopbackWithoutAnAllowanceIsRefused() throws Exception {
    gateway.send(action("ssrf-loopback", "loopback", "http", "/hook", json("{}")));
    assertRefused("ssrf-loopback", "loopback", "SSRF protection refused 127.0.0.1: a loopback address");
    assertThat(server.requests("/hook")).isEmpty();
  }

  @Test
  void aHostNameIsCheckedAfterResolution() throws Exception {
    gateway.send(action("ssrf-name", "by-name", "http", "/named", json("{}")));
    assertRefused("ssrf-name", "by-name", "SSRF protection refused localhost (");
    assertThat(server.requests("/named")).isEmpty();
  }

  @Test
  void privateNetworkAddressIsRefused() throws Exception {
    gateway.send(action("ssrf-private", "private", "http", "/x", json("{}")));
    assertRefused("ssrf-private", "private", "SSRF protection refused 10.0.0.1: a private address (10.0.0.0/8)");
  }

  @Test
  void cloudMetadataAddressIsRefused() throws Exception {
    gateway.send(action("ssrf-metadata", "metadata", "http", "/latest/meta-data/iam/security-credentials/", null));
    assertRefused("ssrf-metadata", "metadata", "SSRF protection refused 169.254.169.254: a link-local address");
  }

  @Test
  void redirectFromAnAllowedServerToAPrivateAddressIsRefused() throws Exception {
    server.script("/moved", Reply.of(302, "").header("Location", "http://10.0.0.1:9/steal"));
    gateway.send(action("ssrf-redirect", "redirector", "http", "/moved", json("{\"secret\":\"data\"}")));
    assertRefused("ssrf-redirect", "redirector",
        "redirect (HTTP 302) refused: SSRF protection refused 10.0.0.1: a private address", 302);
    assertThat(server.requests("/moved")).hasSize(1);
  }

  @Test
  void redirectWithinTheAllowedServerIsFollowedWithMethodAndBody() throws Exception {
    server.script("/old", Reply.of(307, "").header("Location", "/new"));
    server.script("/new", Reply.of(200, "ok"));
    gateway.send(action("redirect-ok", "redirector", "http", "/old", json("{\"n\":7}")));
    var landed = server.await("/new", 1, WAIT).get(0);
    assertThat(landed.method()).isEqualTo("POST");
    assertThat(json(landed.body())).isEqualTo(json("{\"n\":7}"));
    assertThat(landed.header("Idempotency-Key")).isEqualTo("redirect-ok");
  }

  /** Refused before anything was sent: no call in the status, only the dead letter. */
  private static void assertRefused(String id, String target, String expected) throws Exception {
    JsonNode status = assertRefused(id, target, expected, null);
    assertThat(status.path("counts").path("attempts").asInt()).isZero();
    assertThat(status.path("lastCall").isNull()).as(status.toString()).isTrue();
  }

  /** @param redirect the status of the redirect that was refused, or null when nothing was sent */
  private static JsonNode assertRefused(String id, String target, String expected, Integer redirect) throws Exception {
    ConsumerRecord<String, byte[]> dead = gateway.awaitDeadLetter(id);
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-reason")).isEqualTo("refused");
    assertThat(ActionsGateway.decode(dead).lastError()).contains(expected);
    JsonNode[] status = new JsonNode[1];
    await().atMost(WAIT).until(() -> {
      status[0] = gateway.status(target);
      return status[0].path("counts").path("deadLetters").asInt() == 1;
    });
    assertThat(status[0].path("lastError").path("message").asText()).contains(expected);
    if (redirect == null) {
      assertThat(status[0].path("lastError").path("statusCode").isNull()).isTrue();
    } else {
      // The redirect was the target's answer: a call, whose status the log keeps.
      assertThat(status[0].path("lastError").path("statusCode").asInt()).isEqualTo(redirect);
      assertThat(status[0].path("lastCall").path("statusCode").asInt()).isEqualTo(redirect);
    }
    assertThat(status[0].path("counts").path("retries").asInt()).isZero();
    return status[0];
  }
}
