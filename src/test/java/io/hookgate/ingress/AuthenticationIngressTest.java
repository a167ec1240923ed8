package io.hookgate.ingress;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
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
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every authentication scheme over HTTP against a running gateway and a real broker: accepted, wrong secret,
 * missing header, stale timestamp, rotated secret, fail-closed, auth none. Standard Webhooks requests are
 * signed by the spec's reference library, GitHub-style ones with the JDK's HMAC and GitHub's test vector.
 * The last tests check that exactly the accepted events reached Kafka and that no secret was ever logged.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthenticationIngressTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String GITHUB_DOCS_SECRET = "It's a Secret to Everybody";
  private static final String GITHUB_DOCS_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private static final String KILI_SECRET = "kili-current-" + UUID.randomUUID();
  private static final String KILI_PREVIOUS = "kili-previous-" + UUID.randomUUID();
  private static final String GITHUB_SECRET = "github-current-" + UUID.randomUUID();
  private static final String SW_SECRET = newWhsec();
  private static final String SW_PREVIOUS = newWhsec();
  private static final String SW_STRANGER = newWhsec();

  private static LogCapture logs;
  private static GatewayHarness gateway;
  private static final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    logs = new LogCapture("hookgate.access");
    gateway = GatewayHarness.start(broker, """
        sources:
          kili:
            kind: kili
            auth:
              type: header
              header: Authorization
              secrets: [ env:KILI_WEBHOOK_SECRET, env:KILI_WEBHOOK_SECRET_PREVIOUS ]
          github:
            kind: generic
            auth:
              type: hmac
              header: X-Hub-Signature-256
              secrets: [ env:GITHUB_WEBHOOK_SECRET, env:GITHUB_WEBHOOK_SECRET_PREVIOUS ]
            mapping: { eventType: /action, projectId: /repository/full_name }
          acme:
            kind: generic
            auth:
              type: standard-webhooks
              tolerance: 5m
              secrets: [ env:ACME_WEBHOOK_SECRET, env:ACME_WEBHOOK_SECRET_PREVIOUS ]
            mapping: { eventType: /type, projectId: /data/projectId }
          aquarium:
            kind: aquarium
            auth:
              type: header
              header: X-Aquarium-Secret
              secrets: [ env:AQUARIUM_WEBHOOK_SECRET ]
          unsigned:
            kind: generic
            auth:
              type: standard-webhooks
              secrets: [ env:UNSIGNED_WEBHOOK_SECRET ]
            mapping: { eventType: /type }
          open:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type, projectId: /data/projectId }
        """, Map.of(
        "KILI_WEBHOOK_SECRET", KILI_SECRET,
        "KILI_WEBHOOK_SECRET_PREVIOUS", KILI_PREVIOUS,
        "GITHUB_WEBHOOK_SECRET", GITHUB_SECRET,
        "GITHUB_WEBHOOK_SECRET_PREVIOUS", GITHUB_DOCS_SECRET,
        "ACME_WEBHOOK_SECRET", SW_SECRET,
        "ACME_WEBHOOK_SECRET_PREVIOUS", SW_PREVIOUS,
        // Set but empty counts as unset: the source must fail closed, not open.
        "UNSIGNED_WEBHOOK_SECRET", ""));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    logs.close();
  }

  // --- static header (Kili) ------------------------------------------------------------------

  @Test
  void staticHeaderWithTheCurrentSecretIsAccepted() throws Exception {
    HttpResponse<String> r = post("kili", kiliBody(), Map.of("Authorization", KILI_SECRET));
    String id = acceptedId(r);
    try (EventConsumer consumer = gateway.consumer()) {
      CloudEvent event = EventConsumer.toCloudEvent(consumer.awaitId(id, Duration.ofSeconds(20)));
      assertThat(event.getSource()).hasToString("/sources/kili");
    }
  }

  @Test
  void staticHeaderWithThePreviousSecretIsAcceptedDuringARotation() throws Exception {
    acceptedId(post("kili", kiliBody(), Map.of("Authorization", KILI_PREVIOUS)));
  }

  @Test
  void staticHeaderWithAWrongSecretIsRefused() throws Exception {
    unauthorized(post("kili", kiliBody(), Map.of("Authorization", KILI_SECRET + "x")), "kili");
    unauthorized(post("kili", kiliBody(), Map.of("Authorization", "Bearer " + KILI_SECRET)), "kili");
  }

  @Test
  void staticHeaderMissingIsRefused() throws Exception {
    unauthorized(post("kili", kiliBody(), Map.of()), "kili");
    // The right secret in another header is still missing.
    unauthorized(post("kili", kiliBody(), Map.of("X-Aquarium-Secret", KILI_SECRET)), "kili");
  }

  // --- HMAC (GitHub style) -------------------------------------------------------------------

  @Test
  void hmacSignatureWithTheCurrentSecretIsAccepted() throws Exception {
    String body = githubBody();
    String id = acceptedId(post("github", body, Map.of("X-Hub-Signature-256", githubSignature(GITHUB_SECRET, body),
        "X-GitHub-Delivery", "gh-" + UUID.randomUUID())));
    assertThat(id).startsWith("gh-"); // GitHub's delivery id becomes the event id
  }

  @Test
  void githubsDocumentedTestVectorPassesAuthenticationOverHttp() throws Exception {
    // "Hello, World!" is not JSON: passing authentication shows as a 400 for the body, not a 401.
    HttpResponse<String> r = post("github", "Hello, World!", Map.of("X-Hub-Signature-256", GITHUB_DOCS_SIGNATURE));
    assertProblem(r, 400, "urn:hookgate:problem:malformed-json");
    HttpResponse<String> tampered = post("github", "Hello, World?",
        Map.of("X-Hub-Signature-256", GITHUB_DOCS_SIGNATURE));
    unauthorized(tampered, "github");
  }

  @Test
  void hmacSignatureWithThePreviousSecretIsAcceptedDuringARotation() throws Exception {
    String body = githubBody();
    acceptedId(post("github", body, Map.of("X-Hub-Signature-256", githubSignature(GITHUB_DOCS_SECRET, body))));
  }

  @Test
  void hmacSignatureWithAWrongSecretOrOverAnotherBodyIsRefused() throws Exception {
    String body = githubBody();
    unauthorized(post("github", body, Map.of("X-Hub-Signature-256", githubSignature("not-the-secret", body))),
        "github");
    unauthorized(post("github", body, Map.of("X-Hub-Signature-256", githubSignature(GITHUB_SECRET, body + " "))),
        "github");
  }

  @Test
  void hmacSignatureMissingIsRefused() throws Exception {
    unauthorized(post("github", githubBody(), Map.of()), "github");
    unauthorized(post("github", githubBody(), Map.of("X-Hub-Signature-256", "")), "github");
  }

  // --- Standard Webhooks, signed by the spec's reference library ------------------------------

  @Test
  void standardWebhooksSignedWithTheCurrentSecretIsAccepted() throws Exception {
    String msgId = "msg_" + UUID.randomUUID();
    String body = acmeBody();
    String id = acceptedId(post("acme", body, signed(SW_SECRET, msgId, now(), body)));
    assertThat(id).isEqualTo(msgId); // webhook-id is the idempotency key, hence the event id
    try (EventConsumer consumer = gateway.consumer()) {
      CloudEvent event = EventConsumer.toCloudEvent(consumer.awaitId(id, Duration.ofSeconds(20)));
      assertThat(event.getSource()).hasToString("/sources/acme");
    }
  }

  @Test
  void standardWebhooksSignedWithThePreviousSecretIsAcceptedDuringARotation() throws Exception {
    String body = acmeBody();
    acceptedId(post("acme", body, signed(SW_PREVIOUS, "msg_" + UUID.randomUUID(), now(), body)));
  }

  @Test
  void standardWebhooksHeaderWithSeveralSignaturesIsAcceptedWhenOneMatches() throws Exception {
    // A sender rotating its secret signs with both; here one of them is a secret we do not know.
    String msgId = "msg_" + UUID.randomUUID();
    long ts = now();
    String body = acmeBody();
    String unknown = new Webhook(SW_STRANGER).sign(msgId, ts, body);
    String known = new Webhook(SW_PREVIOUS).sign(msgId, ts, body);
    acceptedId(post("acme", body, swHeaders(msgId, ts, unknown + " " + known)));
    acceptedId(post("acme", body, swHeaders(msgId, ts, known + " " + unknown)));
    unauthorized(post("acme", body, swHeaders(msgId, ts, unknown + " " + unknown.replace("v1,", "v1a,"))), "acme");
  }

  @Test
  void standardWebhooksSignedWithAWrongSecretIsRefused() throws Exception {
    String body = acmeBody();
    unauthorized(post("acme", body, signed(SW_STRANGER, "msg_" + UUID.randomUUID(), now(), body)), "acme");
  }

  @Test
  void standardWebhooksWithAMissingHeaderIsRefused() throws Exception {
    String msgId = "msg_" + UUID.randomUUID();
    long ts = now();
    String body = acmeBody();
    String signature = new Webhook(SW_SECRET).sign(msgId, ts, body);
    unauthorized(post("acme", body, Map.of("webhook-timestamp", Long.toString(ts), "webhook-signature", signature)),
        "acme");
    unauthorized(post("acme", body, Map.of("webhook-id", msgId, "webhook-signature", signature)), "acme");
    unauthorized(post("acme", body, Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(ts))), "acme");
  }

  @Test
  void standardWebhooksWithAStaleTimestampIsRefusedInThePastAndInTheFuture() throws Exception {
    String body = acmeBody();
    long sixMinutes = Duration.ofMinutes(6).toSeconds();
    // Correctly signed, so only the timestamp can be the reason.
    unauthorized(post("acme", body, signed(SW_SECRET, "msg_" + UUID.randomUUID(), now() - sixMinutes, body)), "acme");
    unauthorized(post("acme", body, signed(SW_SECRET, "msg_" + UUID.randomUUID(), now() + sixMinutes, body)), "acme");
    // Just inside the tolerance is fine.
    acceptedId(post("acme", body, signed(SW_SECRET, "msg_" + UUID.randomUUID(), now() - 240, body)));
  }

  @Test
  void standardWebhooksReplayWithAnAlteredBodyIsRefused() throws Exception {
    String msgId = "msg_" + UUID.randomUUID();
    long ts = now();
    String body = acmeBody();
    Map<String, String> headers = signed(SW_SECRET, msgId, ts, body);
    unauthorized(post("acme", body.replace("proj-acme", "proj-evil"), headers), "acme");
  }

  // --- fail closed, and auth: none -----------------------------------------------------------

  @Test
  void aSourceWhoseSecretIsUnsetRefusesEveryRequestAndWarnedAtStart() throws Exception {
    String body = "{\"event\":\"dataset-complete\",\"project\":\"p\"}";
    unauthorized(post("aquarium", body, Map.of()), "aquarium");
    unauthorized(post("aquarium", body, Map.of("X-Aquarium-Secret", "")), "aquarium");
    unauthorized(post("aquarium", body, Map.of("X-Aquarium-Secret", "null")), "aquarium");
    unauthorized(post("aquarium", body, Map.of("X-Aquarium-Secret", KILI_SECRET)), "aquarium");

    String acme = acmeBody();
    String msgId = "msg_" + UUID.randomUUID();
    unauthorized(post("unsigned", acme, signed(SW_SECRET, msgId, now(), acme)), "unsigned");
    unauthorized(post("unsigned", acme, Map.of()), "unsigned");

    List<String> lines = logs.lines();
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("'aquarium'")
        .contains("env:AQUARIUM_WEBHOOK_SECRET").contains("401"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("'unsigned'")
        .contains("env:UNSIGNED_WEBHOOK_SECRET"));
    assertThat(lines).noneSatisfy(l -> assertThat(l).contains("'kili'").contains("refuses every request"));
  }

  @Test
  void aSourceWithAuthNoneAcceptsWithoutCredentials() throws Exception {
    acceptedId(post("open",
        "{\"type\":\"ping\",\"data\":{\"projectId\":\"p-open\",\"n\":\"" + UUID.randomUUID() + "\"}}", Map.of()));
  }

  @Test
  void everyAuthenticationFailureGetsTheSameAnswer() throws Exception {
    String body = acmeBody();
    String msgId = "msg_" + UUID.randomUUID();
    List<HttpResponse<String>> failures = List.of(
        post("acme", body, Map.of()),
        post("acme", body, signed(SW_STRANGER, msgId, now(), body)),
        post("acme", body, signed(SW_SECRET, msgId, now() - 3600, body)),
        post("acme", body, swHeaders(msgId, now(), "v1,@@not-base64@@")));
    String first = failures.get(0).body();
    for (HttpResponse<String> r : failures) {
      unauthorized(r, "acme");
      assertThat(r.body()).isEqualTo(first);
    }
    assertThat(MAPPER.readTree(first).path("detail").asText())
        .doesNotContainIgnoringCase("stale").doesNotContainIgnoringCase("timestamp")
        .doesNotContainIgnoringCase("missing header").doesNotContainIgnoringCase("signature mismatch");
  }

  // --- what reached Kafka and the logs -------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE - 1) // after every unordered test (their default order is MAX_VALUE / 2)
  void exactlyTheAcceptedEventsReachedKafka() {
    try (EventConsumer consumer = gateway.consumer()) {
      consumer.pollUntil(
          rs -> rs.stream().map(r -> EventConsumer.toCloudEvent(r).getId()).toList().containsAll(accepted),
          Duration.ofSeconds(20));
      // Anything refused would show up within a short quiet period after the accepted ones.
      Set<String> inTopic = Set.copyOf(consumer.drain(Duration.ofMillis(1500)).stream()
          .map(r -> EventConsumer.toCloudEvent(r).getId()).toList());
      assertThat(inTopic).isEqualTo(Set.copyOf(accepted));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noSecretEverAppearedInALogLine() {
    List<String> lines = logs.lines();
    assertThat(lines).as("captured log lines").isNotEmpty();
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("hookgate.access").contains("status=401"));
    for (String secret : List.of(KILI_SECRET, KILI_PREVIOUS, GITHUB_SECRET, GITHUB_DOCS_SECRET, SW_SECRET, SW_PREVIOUS,
        SW_SECRET.substring("whsec_".length()), SW_PREVIOUS.substring("whsec_".length()))) {
      assertThat(lines).noneSatisfy(l -> assertThat(l).contains(secret));
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private HttpResponse<String> post(String source, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String acceptedId(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(202);
    String id = MAPPER.readTree(r.body()).path("id").asText();
    assertThat(id).isNotBlank();
    accepted.add(id);
    return id;
  }

  /** A 401 problem that names neither the failing part nor any secret. */
  private static void unauthorized(HttpResponse<String> r, String source) throws Exception {
    var problem = assertProblem(r, 401, "urn:hookgate:problem:unauthorized");
    assertThat(problem.path("detail").asText()).contains(source);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    for (String secret : List.of(KILI_SECRET, KILI_PREVIOUS, GITHUB_SECRET, GITHUB_DOCS_SECRET, SW_SECRET,
        SW_PREVIOUS)) {
      assertThat(r.body()).doesNotContain(secret);
      assertThat(r.headers().map().toString()).doesNotContain(secret);
    }
  }

  private static String kiliBody() {
    String n = UUID.randomUUID().toString();
    return """
        {"eventType":"onSubmit","logPayload":{"runId":"%s","projectId":"proj-auth"},
         "payload":{"asset_id":"asset-1","label":{"id":"label-%s","labelType":"DEFAULT","jsonResponse":{}}}}
        """.formatted(n, n);
  }

  private static String githubBody() {
    return "{\"action\":\"opened\",\"repository\":{\"full_name\":\"acme/widgets\"},\"n\":\"" + UUID.randomUUID()
        + "\"}";
  }

  private static String acmeBody() {
    return "{\"type\":\"contact.created\",\"data\":{\"projectId\":\"proj-acme\",\"id\":\"" + UUID.randomUUID() + "\"}}";
  }

  private static Map<String, String> signed(String secret, String msgId, long ts, String body) throws Exception {
    return swHeaders(msgId, ts, new Webhook(secret).sign(msgId, ts, body));
  }

  private static Map<String, String> swHeaders(String msgId, long ts, String signature) {
    return Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(ts), "webhook-signature", signature);
  }

  private static String githubSignature(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String newWhsec() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }
}
