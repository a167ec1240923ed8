package io.hookgate.ingress;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.net.Webhook;
import io.cloudevents.CloudEvent;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code timestamped-hmac} over HTTP against a running gateway and a real broker: a Stripe source, and the V7
 * source as shipped (its static header or its signing key). Requests are signed by Stripe's own library, not
 * by our code. Every bad signature gets the same 401 problem, the metric names what failed, and only the
 * accepted requests reach Kafka.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimestampedSignatureIngressTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String STRIPE_SECRET = "whsec_" + UUID.randomUUID().toString().replace("-", "");
  private static final String STRIPE_PREVIOUS = "whsec_" + UUID.randomUUID().toString().replace("-", "");
  private static final String STRANGER = "whsec_" + UUID.randomUUID().toString().replace("-", "");
  private static final String V7_SIGNING_KEY = "v7-signing-" + UUID.randomUUID();
  private static final String V7_STAGE_TOKEN = "ApiKey stage-" + UUID.randomUUID();
  private static final long SIX_MINUTES = Duration.ofMinutes(6).toSeconds();

  private static LogCapture logs;
  private static GatewayHarness gateway;
  private static final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    logs = new LogCapture("hookgate.access");
    gateway = GatewayHarness.start(broker, """
        sources:
          stripe:
            kind: generic
            auth:
              type: timestamped-hmac
              preset: stripe
              secrets: [ env:STRIPE_WEBHOOK_SECRET, env:STRIPE_WEBHOOK_SECRET_PREVIOUS ]
            mapping: { eventType: /type, deliveryId: /id, subject: /data/object/id }
          v7:
            kind: v7
            auth:
              type: any
              alternatives:
                - { type: header, header: Authorization, secrets: [ env:V7_WEBHOOK_SECRET ] }
                - { type: timestamped-hmac, preset: v7, tolerance: 5m, secrets: [ env:V7_WEBHOOK_SIGNING_KEY ] }
        """, Map.of(
        "STRIPE_WEBHOOK_SECRET", STRIPE_SECRET,
        "STRIPE_WEBHOOK_SECRET_PREVIOUS", STRIPE_PREVIOUS,
        "V7_WEBHOOK_SECRET", V7_STAGE_TOKEN,
        "V7_WEBHOOK_SIGNING_KEY", V7_SIGNING_KEY));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    logs.close();
  }

  // --- accepted ------------------------------------------------------------------------------

  @Test
  void aStripeEventSignedByStripesLibraryIsAcceptedAndStored() throws Exception {
    String evt = "evt_" + UUID.randomUUID().toString().replace("-", "");
    String body = stripeBody(evt);
    String id = acceptedId(post("stripe", body, Map.of("Stripe-Signature", stripeHeader(STRIPE_SECRET, now(), body))));
    assertThat(id).isEqualTo(evt); // the event's id is the delivery id
    try (EventConsumer consumer = gateway.consumer()) {
      CloudEvent event = EventConsumer.toCloudEvent(consumer.awaitId(id, Duration.ofSeconds(20)));
      assertThat(event.getSource()).hasToString("/sources/stripe");
      assertThat(event.getType()).isEqualTo("webhook.received");
      assertThat(event.getExtension("platformevent")).isEqualTo("invoice.paid");
    }
  }

  @Test
  void severalSignaturesAndSecretsWhileEitherSideRotates() throws Exception {
    long t = now();
    String body = stripeBody("evt_" + UUID.randomUUID());
    String stranger = Webhook.Util.computeHmacSha256(STRANGER, t + "." + body);
    String previous = Webhook.Util.computeHmacSha256(STRIPE_PREVIOUS, t + "." + body);
    acceptedId(post("stripe", body, Map.of("Stripe-Signature", "t=" + t + ",v1=" + stranger + ",v1=" + previous)));
  }

  @Test
  void v7SignedWithItsUpperCaseHexOrSentWithTheStaticHeaderIsAccepted() throws Exception {
    String signed = v7Body();
    acceptedId(post("v7", signed, Map.of("v7-signature", v7Header(V7_SIGNING_KEY, now(), signed))));
    acceptedId(post("v7", v7Body(), Map.of("Authorization", V7_STAGE_TOKEN)));
  }

  // --- refused -------------------------------------------------------------------------------

  @Test
  void everyBadStripeSignatureGetsTheSameAnswerAndNothingIsStored() throws Exception {
    long t = now();
    String body = stripeBody("evt_" + UUID.randomUUID());
    String good = Webhook.Util.computeHmacSha256(STRIPE_SECRET, t + "." + body);
    Map<String, HttpResponse<String>> failures = new LinkedHashMap<>();
    failures.put("tampered body",
        post("stripe", body.replace("in_1", "in_2"), Map.of("Stripe-Signature", "t=" + t + ",v1=" + good)));
    failures.put("wrong secret", post("stripe", body, Map.of("Stripe-Signature", stripeHeader(STRANGER, t, body))));
    failures.put("stale",
        post("stripe", body, Map.of("Stripe-Signature", stripeHeader(STRIPE_SECRET, t - SIX_MINUTES, body))));
    failures.put("future",
        post("stripe", body, Map.of("Stripe-Signature", stripeHeader(STRIPE_SECRET, t + SIX_MINUTES, body))));
    failures.put("missing header", post("stripe", body, Map.of()));
    failures.put("empty header", post("stripe", body, Map.of("Stripe-Signature", "")));
    failures.put("no t=", post("stripe", body, Map.of("Stripe-Signature", "v1=" + good)));
    failures.put("no v1", post("stripe", body, Map.of("Stripe-Signature", "t=" + t)));
    failures.put("garbage", post("stripe", body, Map.of("Stripe-Signature", "\u00ff\u00fe garbage ;;")));
    failures.put("right digest as v0", post("stripe", body, Map.of("Stripe-Signature", "t=" + t + ",v0=" + good)));
    failures.put("right digest in another header",
        post("stripe", body, Map.of("X-Signature", "t=" + t + ",v1=" + good)));
    assertSameUnauthorized(failures, "stripe");
  }

  @Test
  void everyBadV7SignatureGetsTheSameAnswerAndTheMetricNamesWhatFailed() throws Exception {
    long t = now();
    String body = v7Body();
    String good = v7Header(V7_SIGNING_KEY, t, body);
    Map<String, HttpResponse<String>> failures = new LinkedHashMap<>();
    failures.put("tampered body", post("v7", body.replace("letter", "letterx"), Map.of("v7-signature", good)));
    failures.put("wrong key", post("v7", body, Map.of("v7-signature", v7Header("not-the-key", t, body))));
    failures.put("stale", post("v7", body, Map.of("v7-signature", v7Header(V7_SIGNING_KEY, t - SIX_MINUTES, body))));
    failures.put("future", post("v7", body, Map.of("v7-signature", v7Header(V7_SIGNING_KEY, t + SIX_MINUTES, body))));
    failures.put("missing", post("v7", body, Map.of()));
    failures.put("no t=", post("v7", body, Map.of("v7-signature", good.substring(good.indexOf(',') + 1))));
    failures.put("no v1", post("v7", body, Map.of("v7-signature", "t=" + t)));
    failures.put("garbage", post("v7", body, Map.of("v7-signature", "AA6F647F5ABB6D383E56697D71F53")));
    failures.put("right digest as v2", post("v7", body, Map.of("v7-signature", good.replace("v1=", "v2="))));
    failures.put("wrong static header", post("v7", body, Map.of("Authorization", V7_STAGE_TOKEN + "x")));
    assertSameUnauthorized(failures, "v7");

    String metrics = metrics();
    for (String reason : List.of("auth_invalid", "auth_stale", "auth_missing", "auth_malformed")) {
      Pattern sample = Pattern.compile("^hookgate_ingress_rejects_total\\{[^}]*reason=\"" + reason
          + "\"[^}]*source=\"v7\"[^}]*} [1-9]", Pattern.MULTILINE);
      assertThat(sample.matcher(metrics).find()).as("rejects of v7 for %s", reason).isTrue();
    }
  }

  // --- what reached Kafka and the logs -------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE - 1) // after every unordered test (their default order is MAX_VALUE / 2)
  void exactlyTheAcceptedEventsReachedKafka() {
    try (EventConsumer consumer = gateway.consumer()) {
      consumer.pollUntil(
          rs -> rs.stream().map(r -> EventConsumer.toCloudEvent(r).getId()).toList().containsAll(accepted),
          Duration.ofSeconds(20));
      Set<String> inTopic = Set.copyOf(consumer.drain(Duration.ofMillis(1500)).stream()
          .map(r -> EventConsumer.toCloudEvent(r).getId()).toList());
      assertThat(inTopic).isEqualTo(Set.copyOf(accepted));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noSecretEverAppearedInALogLine() {
    List<String> lines = logs.lines();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("hookgate.access").contains("status=401"));
    for (String secret : List.of(STRIPE_SECRET, STRIPE_PREVIOUS, V7_SIGNING_KEY, V7_STAGE_TOKEN)) {
      assertThat(lines).noneSatisfy(l -> assertThat(l).contains(secret));
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Each a 401 problem, all with the very same body, naming neither the check that failed nor a secret. */
  private static void assertSameUnauthorized(Map<String, HttpResponse<String>> failures, String source) {
    String first = failures.values().iterator().next().body();
    List<String> bodies = new ArrayList<>();
    failures.forEach((what, r) -> {
      var problem = assertProblem(r, 401, "urn:hookgate:problem:unauthorized");
      assertThat(problem.path("reason").asText()).as(what).isEqualTo("unauthorized");
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(what).hasValue("Webhook realm=\"" + source + "\"");
      assertThat(r.body()).as(what).isEqualTo(first);
      bodies.add(r.body());
    });
    for (String secret : List.of(STRIPE_SECRET, STRIPE_PREVIOUS, V7_SIGNING_KEY, V7_STAGE_TOKEN)) {
      assertThat(bodies).noneSatisfy(b -> assertThat(b).contains(secret));
    }
    assertThat(first.toLowerCase(Locale.ROOT)).doesNotContain("stale", "timestamp", "signature", "v1", "malformed");
  }

  private HttpResponse<String> post(String source, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String metrics() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + gateway.managementPort() + "/metrics");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static String acceptedId(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(202);
    String id = MAPPER.readTree(r.body()).path("id").asText();
    assertThat(id).isNotBlank();
    accepted.add(id);
    return id;
  }

  /** Stripe's library computes the signature; the header is Stripe's documented shape. */
  private static String stripeHeader(String secret, long t, String body) throws Exception {
    return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(secret, t + "." + body);
  }

  /** V7's shape, with upper-case hex as in V7's documented example. */
  private static String v7Header(String key, long t, String body) throws Exception {
    return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(key, t + "." + body).toUpperCase(Locale.ROOT);
  }

  private static String stripeBody(String evt) {
    return """
        {"id":"%s","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1%s","object":"invoice"}}}"""
        .formatted(evt, UUID.randomUUID().toString().substring(0, 8));
  }

  /** V7's workflow_complete, each with its own file so that each has its own event id. */
  private static String v7Body() {
    return """
        {"event_type":"workflow_complete","payload":{"dataset_id":1,"filename":"letter-%s.png","annotations":[]}}"""
        .formatted(UUID.randomUUID());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
