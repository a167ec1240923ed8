package io.hookgate.ingress;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static io.hookgate.http.ProblemAssert.assertProblemBody;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.LogCapture;
import io.hookgate.testing.RawHttp;
import io.hookgate.testing.TextLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every refusal the ingress makes, with its RFC 9457 problem body, and after each test a quiet period on
 * the topic proving that nothing but the events the test itself got a 202 for was published. The gateway's
 * limits come from environment variables, as an operator would set them: a 16 KiB body limit, a 1 KiB
 * override on one source, and a 1 s body read timeout.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorStatusIngressTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "kili-token-" + UUID.randomUUID();
  private static final int LIMIT = 16 * 1024;
  private static final int SMALL_LIMIT = 1024;
  private static final Duration QUIET = Duration.ofMillis(1200);

  private static GatewayHarness gateway;
  private static EventConsumer consumer;
  private static int recordsChecked;
  private final Set<String> acceptedHere = new HashSet<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          kili:
            kind: kili
            auth: { type: header, header: Authorization, secrets: [ env:KILI_WEBHOOK_SECRET ] }
          small:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type }
          roomy:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type }
        """, Map.of("KILI_WEBHOOK_SECRET", TOKEN,
        "HOOKGATE_INGRESS_MAX_BODY_BYTES", "16KiB",
        "HOOKGATE_SOURCES_SMALL_MAX_BODY_BYTES", "1KiB",
        "HOOKGATE_INGRESS_BODY_READ_TIMEOUT", "1s",
        "HOOKGATE_INGRESS_LINGER_TIME", "2s",
        "HOOKGATE_INGRESS_LINGER_MAX_BYTES", "8MiB"));
    consumer = gateway.consumer();
    // One accepted event, read back, so that the consumer is assigned and reading before any check.
    HttpResponse<String> warmUp = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("roomy")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"warm-up\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(warmUp.statusCode()).isEqualTo(202);
    consumer.awaitId(MAPPER.readTree(warmUp.body()).path("id").asText(), Duration.ofSeconds(20));
    recordsChecked = 1;
  }

  @AfterAll
  static void stop() {
    if (consumer != null) {
      consumer.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @BeforeEach
  void clear() {
    acceptedHere.clear();
  }

  /** Nothing of a refused request reaches Kafka: only what this test got a 202 for may appear. */
  @AfterEach
  void nothingElseWasPublished() {
    List<ConsumerRecord<String, byte[]>> all = consumer.drain(QUIET);
    List<String> newIds = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : all.subList(recordsChecked, all.size())) {
      newIds.add(EventConsumer.toCloudEvent(r).getId());
    }
    recordsChecked = all.size();
    assertThat(newIds).as("events published by this test").containsExactlyInAnyOrderElementsOf(acceptedHere);
  }

  // --- 400 -----------------------------------------------------------------------------------

  @Test
  void malformedJsonIs400SayingWhere() throws Exception {
    JsonNode p = assertProblem(postKili("{\"eventType\": \"onSubmit\",\n \"logPayload\": {"), 400,
        "urn:hookgate:problem:malformed-json");
    assertThat(p.path("title").asText()).isEqualTo("Bad Request");
    assertThat(p.path("detail").asText()).contains("not valid JSON").contains("line 2");
    assertThat(p.path("instance").asText()).isEqualTo("/webhooks/kili");
  }

  @Test
  void anEmptyBodyIs400() throws Exception {
    JsonNode p = assertProblem(postKili(""), 400, "urn:hookgate:problem:malformed-json");
    assertThat(p.path("detail").asText()).contains("empty");
  }

  @Test
  void aBodyOfOnlyWhitespaceIs400InvalidPayloadAsTheReadmeSays() throws Exception {
    // Not malformed-json: Jackson reads whitespace as no value, and the source then finds no object.
    JsonNode p = assertProblem(postKili("  \r\n\t "), 400, "urn:hookgate:problem:invalid-payload");
    assertThat(p.path("detail").asText()).contains("must be a JSON object");
  }

  @Test
  void aMissingRequiredFieldIs400NamingTheField() throws Exception {
    String noProject = "{\"eventType\":\"onSubmit\",\"logPayload\":{\"runId\":\"r1\"},"
        + "\"payload\":{\"asset_id\":\"a1\",\"label\":{\"id\":\"l1\"}}}";
    JsonNode p = assertProblem(postKili(noProject), 400, "urn:hookgate:problem:invalid-payload");
    assertThat(p.path("detail").asText()).contains("logPayload.projectId");
    assertThat(p.path("field").asText()).isEqualTo("logPayload.projectId");

    JsonNode notAnObject = assertProblem(postKili("[1, 2, 3]"), 400, "urn:hookgate:problem:invalid-payload");
    assertThat(notAnObject.path("detail").asText()).isNotBlank();

    JsonNode generic = assertProblem(post("roomy", "{\"kind\":\"no type here\"}", Map.of()), 400,
        "urn:hookgate:problem:invalid-payload");
    assertThat(generic.path("field").asText()).isEqualTo("type");
  }

  // --- 401, 404, 405 -------------------------------------------------------------------------

  @Test
  void wrongCredentialsAre401() throws Exception {
    HttpResponse<String> r = post("kili", kiliBody(), Map.of("Authorization", "not-the-token"));
    JsonNode p = assertProblem(r, 401, "urn:hookgate:problem:unauthorized");
    assertThat(r.body()).doesNotContain(TOKEN);
    assertThat(p.path("detail").asText()).doesNotContain("not-the-token");
  }

  @Test
  void anUnknownSourceIs404() throws Exception {
    JsonNode p = assertProblem(post("labelbox", kiliBody(), Map.of("Authorization", TOKEN)), 404,
        "urn:hookgate:problem:unknown-source");
    assertThat(p.path("detail").asText()).contains("labelbox");
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    for (String path : List.of("/", "/webhooks", "/webhooks/", "/webhooks/kili/extra", "/hooks/kili")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(kiliBody())).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode p = assertProblem(r, 404, "urn:hookgate:problem:not-found");
      assertThat(p.path("detail").asText()).as(path).contains("/webhooks/{source}");
    }
  }

  @Test
  void aMethodOtherThanPostIs405WithAllow() throws Exception {
    for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
          .header("Authorization", TOKEN).header("Content-Type", "application/json")
          .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(kiliBody()))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonNode p = assertProblem(r, 405, "urn:hookgate:problem:method-not-allowed");
      assertThat(r.headers().firstValue("Allow")).as(method).hasValue("POST");
      assertThat(p.path("detail").asText()).contains(method);
    }
  }

  /** What Netty's decoder refuses gets a problem too, not a bare 400 (Vert.x's default invalid-request answer). */
  @Test
  void requestsThatAreNotValidHttpAre400WithAProblem() throws Exception {
    List<Map<String, String>> invalid = List.of(
        Map.of("Content-Type", "application/json", "Content-Length", "-1"),
        Map.of("Content-Type", "application/json", "Content-Length", "5", "Transfer-Encoding", "chunked"));
    for (Map<String, String> headers : invalid) {
      try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
        raw.head("POST", "/webhooks/roomy", headers);
        RawHttp.Response r = raw.readResponse();
        JsonNode p = assertProblemBody(400, "urn:hookgate:problem:malformed-request", r.header("Content-Type"),
            r.body());
        assertThat(r.status()).as(headers.toString()).isEqualTo(400);
        assertThat(p.path("detail").asText()).startsWith("the request is not valid HTTP/1.1");
      }
    }
  }

  // --- 413 -----------------------------------------------------------------------------------

  @Test
  void aDeclaredLengthOverTheLimitIs413BeforeAnyOfTheBodyIsSent() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      // Announce 100 MiB and send none of it: the answer must come from the header alone.
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Content-Length", Long.toString(100L * 1024 * 1024)));
      RawHttp.Response r = raw.readResponse();
      JsonNode p = assertProblemBody(413, "urn:hookgate:problem:body-too-large", r.header("Content-Type"), r.body());
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.reason()).as("RFC 9110's name, as the problem's title").isEqualTo("Content Too Large");
      assertThat(p.path("detail").asText()).contains(Integer.toString(LIMIT));
      assertThat(raw.closedByServer()).as("connection closed instead of reading the body").isTrue();
    }
  }

  @Test
  void aClientExpectingContinueIsRefusedWithoutSendingItsBody() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Content-Length", Integer.toString(LIMIT + 1), "Expect", "100-continue"));
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).as("a final answer, not 100 Continue").isEqualTo(413);
      assertProblemBody(413, "urn:hookgate:problem:body-too-large", r.header("Content-Type"), r.body());
    }
  }

  @Test
  void aClientExpectingContinueGetsItOnceTheHeadersPassAndThenItsAnswer() throws Exception {
    String body = paddedGenericBody(2048);
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/roomy", Map.of("Content-Type", "application/json",
          "Content-Length", Integer.toString(body.length()), "Expect", "100-continue"));
      assertThat(raw.readResponse().status()).isEqualTo(100);
      raw.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).as(r.body()).isEqualTo(202);
      acceptedHere.add(MAPPER.readTree(r.body()).path("id").asText());
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIs413WhileItIsStillBeingSent() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Transfer-Encoding", "chunked"));
      // Past the limit, and never the final chunk: the request never ends, so only a limit enforced while
      // reading can answer it.
      raw.chunksUpTo(4096, LIMIT + 8192);
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertProblemBody(413, "urn:hookgate:problem:body-too-large", r.header("Content-Type"), r.body());
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  /**
   * Most webhook senders post without {@code Expect: 100-continue} and read the answer only once they have sent
   * everything: a connection closed under them while they write is a reset ("Broken pipe") that destroys the
   * answer. The rest of the body is read and thrown away first (a lingering close).
   */
  @Test
  void aFiveMebibyteBodySentWithoutWaitingStillReadsIts413() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Content-Length", Integer.toString(big.length)));
      raw.write(big);
      RawHttp.Response r = raw.readResponse();
      assertProblemBody(413, "urn:hookgate:problem:body-too-large", r.header("Content-Type"), r.body());
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(raw.closedByServer()).as("closed once the body has been read to its end").isTrue();
    }
  }

  @Test
  void aFiveMebibyteChunkedBodySentWithoutWaitingStillReadsIts413() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/roomy", Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (int i = 0; i < 80; i++) {
        raw.chunk(chunk);
      }
      raw.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertProblemBody(413, "urn:hookgate:problem:body-too-large", r.header("Content-Type"), r.body());
    }
  }

  @Test
  void aRefusalBeforeTheBodyLetsTheSenderFinishAndReadIt() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    for (Map<String, String> headers : List.of(
        Map.of("Authorization", "wrong", "Content-Type", "application/json"),
        Map.of("Authorization", TOKEN, "Content-Type", "text/plain"))) {
      try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Length", Integer.toString(big.length));
        raw.head("POST", "/webhooks/kili", all);
        raw.write(big);
        RawHttp.Response r = raw.readResponse();
        assertThat(r.status()).as(headers.toString()).isIn(401, 415);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      }
    }
  }

  /** The draining is bounded: a sender cannot hold a connection by sending without end (8MiB in this test). */
  @Test
  void aBodyThatNeverEndsIsCutAfterTheLingeringBound() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Transfer-Encoding", "chunked"));
      long sent = raw.chunksUpTo(64 * 1024, 1L << 30);
      assertThat(sent).as("bytes sent before the server closed").isLessThan(1L << 30);
      try {
        raw.readResponse(); // the 413, unless the close past the bound reset it away, as it may
      } catch (java.io.IOException reset) {
        // the bound was passed: a reset is what such a sender gets
      }
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  @Test
  void aSourcesOwnLimitOverridesTheDefault() throws Exception {
    String atLimit = paddedGenericBody(SMALL_LIMIT);
    String overLimit = paddedGenericBody(SMALL_LIMIT + 1);
    assertThat(atLimit).hasSize(SMALL_LIMIT);

    acceptedHere.add(acceptedId(post("small", atLimit, Map.of())));
    JsonNode p = assertProblem(post("small", overLimit, Map.of()), 413, "urn:hookgate:problem:body-too-large");
    assertThat(p.path("detail").asText()).contains("1024 bytes").contains("'small'");
    // The same body is fine for a source on the default limit.
    acceptedHere.add(acceptedId(post("roomy", overLimit, Map.of())));
  }

  @Test
  void aChunkedBodyOverASourcesOwnLimitIs413() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/small", Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"));
      raw.chunksUpTo(512, 4096);
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).contains("1024 bytes");
    }
  }

  @Test
  void overTheLimitOnHttp2IsAnsweredOnItsStreamAndTheConnectionServesOn() throws Exception {
    HttpClient h2 = HttpClient.newHttpClient(); // HTTP/2 via h2c upgrade, one multiplexed connection
    HttpResponse<String> first = h2.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili"))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(405);
    HttpResponse<String> tooLarge = post(h2, "small", paddedGenericBody(64 * 1024), Map.of());
    assertThat(tooLarge.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertProblem(tooLarge, 413, "urn:hookgate:problem:body-too-large");
    HttpResponse<String> refused = post(h2, "kili", kiliBody(), Map.of("Authorization", "wrong"));
    assertProblem(refused, 401, "urn:hookgate:problem:unauthorized");
    HttpResponse<String> next = post(h2, "roomy", paddedGenericBody(200), Map.of());
    assertThat(next.version()).isEqualTo(HttpClient.Version.HTTP_2);
    acceptedHere.add(acceptedId(next));
  }

  // --- 415, 408 ------------------------------------------------------------------------------

  @Test
  void aContentTypeOtherThanJsonIs415() throws Exception {
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
      HttpResponse<String> r = post("kili", kiliBody(), Map.of("Authorization", TOKEN, "Content-Type", type));
      JsonNode p = assertProblem(r, 415, "urn:hookgate:problem:unsupported-media-type");
      assertThat(p.path("detail").asText()).contains(type).contains("application/json");
    }
  }

  /** A gzipped body would otherwise be read as malformed JSON; RFC 9110 says 415 with Accept-Encoding. */
  @Test
  void aCompressedBodyIs415WithTheAcceptedCoding() throws Exception {
    for (String coding : List.of("gzip", "br", "deflate, gzip")) {
      java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
      try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
        gz.write(kiliBody().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
          .header("Authorization", TOKEN).header("Content-Type", "application/json").header("Content-Encoding", coding)
          .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode p = assertProblem(r, 415, "urn:hookgate:problem:unsupported-media-type");
      assertThat(p.path("detail").asText()).contains("Content-Encoding: " + coding).contains("uncompressed");
      assertThat(r.headers().firstValue("Accept-Encoding")).hasValue("identity");
    }
    acceptedHere
        .add(acceptedId(post("kili", kiliBody(), Map.of("Authorization", TOKEN, "Content-Encoding", "identity"))));
  }

  @Test
  void jsonMediaTypesWithParametersOrSuffixesAreAccepted() throws Exception {
    for (String type : List.of("application/json; charset=utf-8", "application/cloudevents+json", "APPLICATION/JSON")) {
      acceptedHere
          .add(acceptedId(post("roomy", paddedGenericBody(100 + acceptedHere.size()), Map.of("Content-Type", type))));
    }
  }

  @Test
  void aClientThatStallsMidBodyGets408AndIsDisconnected() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", gateway.ingressPort())) {
      raw.head("POST", "/webhooks/kili", Map.of("Authorization", TOKEN, "Content-Type", "application/json",
          "Content-Length", "500"));
      raw.write("{\"eventType\":\"onSu".getBytes());
      long started = System.nanoTime();
      RawHttp.Response r = raw.readResponse();
      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      assertThat(r.status()).isEqualTo(408);
      assertProblemBody(408, "urn:hookgate:problem:request-timeout", r.header("Content-Type"), r.body());
      assertThat(waited).isBetween(Duration.ofMillis(800), Duration.ofSeconds(10));
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  // --- access log ----------------------------------------------------------------------------

  /**
   * The text access log line of a request whose {@code X-Request-Id} and delivery id (the event id) are
   * chosen to forge fields: read back with a key=value parser, each is still one value and nothing was added.
   */
  @Test
  void headersChosenByTheClientCannotForgeFieldsOfTheTextAccessLog() throws Exception {
    String forgedRequestId = "req-1\" source=\"evil\" status=\"200";
    String forgedDelivery = "d-" + UUID.randomUUID() + "\" eventType=\"evil";
    Encoder<ILoggingEvent> text = TextLogs.shippedTextEncoder();
    try (LogCapture logs = new LogCapture("hookgate.access")) {
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base() + "/nope"))
          .header("X-Request-Id", forgedRequestId).build(), HttpResponse.BodyHandlers.ofString());
      assertProblem(refused, 404, "urn:hookgate:problem:not-found");
      String id = acceptedId(post("roomy", "{\"type\":\"logged\"}", Map.of("X-GitHub-Delivery", forgedDelivery)));
      assertThat(id).isEqualTo(forgedDelivery);
      acceptedHere.add(id);

      // The access line is logged right after the answer is handed to the connection, so it may come later.
      List<ILoggingEvent> lines = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> logs.events().stream()
          .filter(e -> e.getLoggerName().equals("hookgate.access")).toList(), l -> l.size() >= 2);
      TextLogs.Line first = TextLogs.encodeLine(text, lines.get(0));
      assertThat(first.pairs()).containsExactly(Map.entry("requestId", forgedRequestId), Map.entry("source", "-"),
          Map.entry("status", "404"), Map.entry("reason", "not_found"));
      TextLogs.Line second = TextLogs.encodeLine(text, lines.get(1));
      assertThat(second.pairs()).extracting(Map.Entry::getKey)
          .containsExactly("requestId", "source", "status", "eventId", "eventType");
      assertThat(second.pairs()).contains(Map.entry("eventId", forgedDelivery), Map.entry("status", "202"));
      assertThat(second.pairs()).doesNotContain(Map.entry("eventType", "evil"));
    }
  }

  // --- metrics and liveness after all of the above -------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE) // after every unordered test (their default order is MAX_VALUE / 2)
  void metricsCountAnswersAndRejectionsBySourceAndReason() throws Exception {
    HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(management("/health/live"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(management("/health/ready"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(ready.body()).path("status").asText()).isEqualTo("UP");

    assertProblem(http.send(HttpRequest.newBuilder(URI.create(management("/health/nope"))).build(),
        HttpResponse.BodyHandlers.ofString()), 404, "urn:hookgate:problem:not-found");

    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(management("/metrics"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    String metrics = r.body();
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "400"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "401"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "405"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "408"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "413"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "415"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "roomy", "status", "202"));
    assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "-", "status", "404"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "malformed_json"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "invalid_payload"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "auth_invalid"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "body_too_large"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "small", "reason", "body_too_large"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "request_timeout"));
    assertCounted(metrics, "hookgate_ingress_rejects_total",
        Map.of("source", "kili", "reason", "unsupported_media_type"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "method_not_allowed"));
    assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "-", "reason", "unknown_source"));
    assertCounted(metrics, "hookgate_ingress_publish_seconds_bucket", Map.of("source", "roomy", "outcome", "ok"));
    assertCounted(metrics, "hookgate_ingress_publish_seconds_count", Map.of("source", "roomy", "outcome", "ok"));
    // The unknown source's name is not a label value: a scanner must not be able to grow the metrics.
    assertThat(metrics).doesNotContain("labelbox");
  }

  /** A sample of {@code name} whose labels include {@code labels}, with a value above zero. */
  private static void assertCounted(String metrics, String name, Map<String, String> labels) {
    Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} ([0-9.eE+]+)$", Pattern.MULTILINE);
    boolean found = sample.matcher(metrics).results().anyMatch(m -> {
      String l = m.group(1);
      return labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\""))
          && Double.parseDouble(m.group(2)) > 0;
    });
    assertThat(found).as("%s%s > 0 in\n%s", name, labels, metrics.lines().filter(l -> l.startsWith(name)).toList())
        .isTrue();
  }

  // --- helpers -------------------------------------------------------------------------------

  private HttpResponse<String> postKili(String body) throws Exception {
    return post("kili", body, Map.of("Authorization", TOKEN));
  }

  private HttpResponse<String> post(String source, String body, Map<String, String> headers) throws Exception {
    return post(http, source, body, headers);
  }

  private HttpResponse<String> post(HttpClient client, String source, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String acceptedId(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    return MAPPER.readTree(r.body()).path("id").asText();
  }

  private static String kiliBody() {
    return "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"p\"},\"payload\":{\"asset_id\":\"a\",\"label\":{\"id\":\""
        + UUID.randomUUID() + "\"}}}";
  }

  /** A valid generic body of exactly {@code size} bytes, unique per call. */
  private static String paddedGenericBody(int size) {
    String head = "{\"type\":\"padded\",\"n\":\"" + UUID.randomUUID() + "\",\"pad\":\"";
    String tail = "\"}";
    return head + "x".repeat(size - head.length() - tail.length()) + tail;
  }

  private static String base() {
    return "http://127.0.0.1:" + gateway.ingressPort();
  }

  private static String management(String path) {
    return "http://127.0.0.1:" + gateway.managementPort() + path;
  }
}
