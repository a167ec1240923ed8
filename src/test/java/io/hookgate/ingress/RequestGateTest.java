package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.Secret;
import io.hookgate.ingress.auth.HeaderTokenAuthenticator;
import io.hookgate.ingress.auth.HmacSignatureAuthenticator;
import io.hookgate.ingress.source.KiliSource;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks before the body, alone: no server, no broker. Over HTTP they are in ErrorStatusIngressTest. */
class RequestGateTest {
  private static final ConfiguredSource KILI = new ConfiguredSource("kili", "kili",
      new HeaderTokenAuthenticator("Authorization", List.of(new Secret("s3cret", "test"))),
      new KiliSource(new ObjectMapper()), 1024);
  private static final ConfiguredSource SIGNED = new ConfiguredSource("signed", "kili",
      new HmacSignatureAuthenticator("X-Hub-Signature-256", "sha256=", "hex", List.of(new Secret("k", "test"))),
      new KiliSource(new ObjectMapper()), 1024);
  private final RequestGate gate = new RequestGate(Map.of("kili", KILI, "signed", SIGNED), Clock.systemUTC());

  @Test
  void aWebhookWithItsTokenIsAdmittedWithItsDeclaredLength() {
    Admission a = gate.admit(HttpMethod.POST, "/webhooks/kili", headers("Authorization", "s3cret",
        "Content-Type", "application/json; charset=utf-8", "Content-Length", "1024"));
    assertThat(a).isEqualTo(new Admitted(KILI, 1024, false));
    assertThat(gate.admit(HttpMethod.POST, "/webhooks/kili/",
        headers("Authorization", "s3cret", "Expect", "100-Continue"))).isEqualTo(new Admitted(KILI, -1, true));
    // A signature needs the body: nothing is checked before it.
    assertThat(gate.admit(HttpMethod.POST, "/webhooks/signed", headers())).isEqualTo(new Admitted(SIGNED, -1, false));
  }

  @Test
  void pathsOutsideTheWebhooksAndUnknownSourcesAreNotFound() {
    for (String path : List.of("/", "/webhooks", "/webhooks/", "/webhooks/kili/x", "/other/kili")) {
      Refusal r = (Refusal) gate.admit(HttpMethod.POST, path, headers());
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.reason()).isEqualTo("not_found");
      assertThat(r.source()).isNull();
    }
    Refusal unknown = (Refusal) gate.admit(HttpMethod.POST, "/webhooks/labelbox", headers());
    assertThat(unknown.reason()).isEqualTo("unknown_source");
    assertThat(unknown.sourceLabel()).isEqualTo("-");
  }

  @Test
  void eachCheckRefusesInItsOrderWithTheHeadersItsStatusNeeds() {
    Refusal get = (Refusal) gate.admit(HttpMethod.GET, "/webhooks/kili", headers());
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry(HttpHeaders.ALLOW.toString(), "POST");

    Refusal noToken = (Refusal) gate.admit(HttpMethod.POST, "/webhooks/kili", headers("Content-Type", "text/plain"));
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.reason()).isEqualTo("auth_missing");
    assertThat(noToken.problem().reason()).isEqualTo("unauthorized");
    assertThat(noToken.headers()).containsEntry("WWW-Authenticate", "Webhook realm=\"kili\"");

    Refusal text = (Refusal) gate.admit(HttpMethod.POST, "/webhooks/kili",
        headers("Authorization", "s3cret", "Content-Type", "text/plain"));
    assertThat(text.status()).isEqualTo(415);
    Refusal gzip = (Refusal) gate.admit(HttpMethod.POST, "/webhooks/kili",
        headers("Authorization", "s3cret", "Content-Encoding", "gzip"));
    assertThat(gzip.status()).isEqualTo(415);
    assertThat(gzip.headers()).containsEntry(HttpHeaders.ACCEPT_ENCODING.toString(), "identity");
    assertThat(gate.admit(HttpMethod.POST, "/webhooks/kili", headers("Authorization", "s3cret",
        "Content-Type", "application/cloudevents+json", "Content-Encoding", "identity"))).isInstanceOf(Admitted.class);

    Refusal large = (Refusal) gate.admit(HttpMethod.POST, "/webhooks/kili",
        headers("Authorization", "s3cret", "Content-Length", "1025"));
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.problem().detail()).contains("1024 bytes for source 'kili'");
  }

  @Test
  void requestsTheDecoderRefusedGetTheStatusOfWhatIsWrong() {
    assertThat(RequestGate.malformed(new TooLongHttpLineException("x")).status()).isEqualTo(414);
    assertThat(RequestGate.malformed(new TooLongHttpHeaderException("x")).status()).isEqualTo(431);
    assertThat(RequestGate.malformed(new IllegalArgumentException("bad\nheader")).detail())
        .isEqualTo("the request is not valid HTTP/1.1: bad header");
  }

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }
}
