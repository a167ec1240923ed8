package io.hookgate.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.TopicSpec;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Kubernetes manifests in {@code k8s/} agree with the code: each kustomization is rendered with
 * {@code kubectl kustomize} (the test is skipped, saying why, when kubectl is missing) and checked against
 * the configuration the pod would really load (built-in defaults, the ConfigMap, the container's
 * environment, all through {@link ConfigLoader}), against the Jib image settings in the pom, and against
 * a running gateway (with a source, a rule and a target) for the probe and scrape paths and the
 * dashboard's metric names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(KafkaBrokerExtension.class)
class ManifestsTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "k8s/base";
  private static final String EXAMPLE = "k8s/overlays/example";
  private static final String STRIMZI = "k8s/overlays/strimzi";
  private static final String SECRET_NAME = "hookgate-webhook-secrets";
  private static final String MANAGEMENT_SECRET_NAME = "hookgate-management";
  /** The log line by which ConfigLoader reports an environment variable that matches no key. */
  private static final String UNKNOWN_VARIABLE = "matches no configuration key";

  private final Map<String, Manifests> rendered = new ConcurrentHashMap<>();
  private Boolean kubectl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void rendersEveryResourceTheGatewayNeeds(String dir) {
    Manifests m = render(dir);
    assertThat(m.kinds()).contains("Deployment", "ConfigMap", "ServiceAccount", "HorizontalPodAutoscaler",
        "PodDisruptionBudget", "NetworkPolicy");
    assertThat(m.all("Service")).extracting(s -> s.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("hookgate", "hookgate-management");
    if (!dir.equals(BASE)) {
      assertThat(m.kinds()).contains("Namespace", "Secret");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void containerPortsAreTheConfiguredIngressAndManagementPorts(String dir) throws IOException {
    Manifests m = render(dir);
    HookgateConfig effective = effectiveConfig(m);
    HookgateConfig defaults = new ConfigLoader(Map.of()).loadYaml("{}");

    assertThat(m.containerPort("http")).isEqualTo(effective.ingress().port()).isEqualTo(defaults.ingress().port());
    assertThat(m.containerPort("management")).isEqualTo(effective.management().port())
        .isEqualTo(defaults.management().port());
    assertThat(m.container().path("ports")).hasSize(2);

    // Services reach the pods on the named container ports and select the pods.
    JsonNode podLabels = m.deployment().path("spec").path("template").path("metadata").path("labels");
    assertThat(servicePort(m.one("Service", "hookgate")).path("targetPort").asText()).isEqualTo("http");
    assertThat(servicePort(m.one("Service", "hookgate-management")).path("targetPort").asText())
        .isEqualTo("management");
    for (JsonNode service : m.all("Service")) {
      assertSubset(service.path("spec").path("selector"), podLabels, "selector of Service " + name(service));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void probesUseTheManagementRoutesOnTheManagementPort(String dir) throws IOException {
    Manifests m = render(dir);
    JsonNode c = m.container();
    int management = effectiveConfig(m).management().port();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = c.path(probe).path("httpGet");
      assertThat(get.isMissingNode()).as(probe + " is an HTTP probe").isFalse();
      assertThat(m.containerPort(get.path("port").asText())).as(probe + " port").isEqualTo(management);
    }
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
    assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
  }

  /** The probe and scrape paths of the manifests are what a running gateway serves on its management port. */
  @Test
  void aRunningGatewayServesTheProbeAndScrapePathsAndTheDashboardMetrics(KafkaBroker broker) throws Exception {
    Manifests m = render(BASE);
    Manifests monitored = renderWithServiceMonitor();
    JsonNode c = m.container();
    String live = c.path("livenessProbe").path("httpGet").path("path").asText();
    String startup = c.path("startupProbe").path("httpGet").path("path").asText();
    String ready = c.path("readinessProbe").path("httpGet").path("path").asText();
    String scrape = monitored.all("ServiceMonitor").get(0).path("spec").path("endpoints").get(0).path("path").asText();

    // A target and a rule, so that the rules, actions, breaker and consumer-lag meters exist too; the target
    // is a local server that answers 200.
    try (RecordingHttpServer sink = RecordingHttpServer.start();
        GatewayHarness gateway = GatewayHarness.start(broker, """
        sources:
          kili:
            kind: kili
            auth:
              type: header
              header: Authorization
              secrets: [ { env: KILI_WEBHOOK_SECRET } ]
        targets:
          sink:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
        rules:
          - name: every-label
            match: event.type == 'labeling.label.submitted'
            actions:
              - target: sink
                kind: http
                path: /labels
                body: "{'labelId': event.data.labelId}"
        """.formatted(sink.baseUrl()), Map.of("KILI_WEBHOOK_SECRET", "manifests-test-secret"))) {
      String base = "http://127.0.0.1:" + gateway.managementPort();
      assertThat(get(base + live).statusCode()).isEqualTo(200);
      assertThat(get(base + startup).statusCode()).isEqualTo(200);
      assertThat(get(base + ready).statusCode())
          .as("readiness probe path %s is a route (200 ready, 503 not yet)", ready)
          .isIn(200, 503);
      await("readiness at " + ready).atMost(30, TimeUnit.SECONDS).until(() -> get(base + ready).statusCode() == 200);
      // The management server answers 404 where it has no route, so the 200s above are not a catch-all.
      assertThat(get(base + "/health/no-such-probe").statusCode()).isEqualTo(404);

      // Before any traffic, the configured target's and rule's series exist at zero (a dashboard shows 0, not
      // "no data"), and every consumer group reports its lag.
      String events = gateway.eventsTopic();
      String actions = gateway.actionsTopic();
      String retry = gateway.gateway().config().kafka().topics().actionsRetry().name();
      await("the consumer groups' lag in the scrape").atMost(30, TimeUnit.SECONDS)
          .untilAsserted(() -> assertThat(get(base + scrape).body())
              .contains("hookgate_action_attempts_total{outcome=\"success\",target=\"sink\"} 0.0")
              .contains("hookgate_action_dead_letters_total{reason=\"permanent\",target=\"sink\"} 0.0")
              .contains("hookgate_action_retries_total{target=\"sink\"} 0.0")
              .contains("hookgate_breaker_state{target=\"sink\"} 0.0")
              .contains("hookgate_rules_events_total{outcome=\"matched\",rule=\"every-label\"} 0.0")
              .contains("hookgate_consumer_lag{group=\"" + events + ".rules\"}")
              .contains("hookgate_consumer_lag{group=\"" + actions + ".executors\"}")
              .contains("hookgate_consumer_lag{group=\"" + retry + ".schedulers\"}")
              .contains("hookgate_consumer_group_lag{group=\"" + events + ".rules\"}")
              .contains("hookgate_consumer_group_lag{group=\"" + actions + ".executors\"}")
              .contains("hookgate_consumer_group_lag{group=\"" + retry + ".schedulers\"}")
              .contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"hookgate-actions\"")
              .contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"hookgate-retry\"")
              .contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"hookgate-rules-0\"")
              // Every producer: events, actions written by the rules, outcomes and delivery logs.
              .contains("kafka_producer_record_send_total{client_id=\"hookgate-ingress\"")
              .contains("kafka_producer_record_send_total{client_id=\"hookgate-rules-actions\"")
              .contains("kafka_producer_record_send_total{client_id=\"hookgate-actions\""));

      // One accepted and one refused webhook, so that the request, reject and latency series exist. The
      // refusal is for a body that was read (invalid JSON): one refused on its headers closes the connection.
      // The accepted one matches the rule: its action's call gives the call-duration histogram.
      String body = Files.readString(Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json"));
      assertThat(post(gateway.webhookUrl("kili"), "manifests-test-secret", body).statusCode()).isEqualTo(202);
      assertThat(post(gateway.webhookUrl("kili"), "manifests-test-secret", "{not json").statusCode()).isEqualTo(400);
      sink.await("/labels", 1, Duration.ofSeconds(60));

      assertThat(get(base + scrape).statusCode()).as("ServiceMonitor path %s", scrape).isEqualTo(200);
      // GC pause timers are registered at the first collection; make sure one happened before scraping.
      System.gc();
      await("a GC pause and the call's duration in the scrape").atMost(10, TimeUnit.SECONDS)
          .until(() -> get(base + scrape).body().contains("jvm_gc_pause_seconds_count")
              && get(base + scrape).body().contains("hookgate_action_duration_seconds_bucket"));
      Set<String> emitted = metricNames(get(base + scrape).body());
      // Kafka write errors only appear after one; take the name from the same meter code.
      try (GatewayMetrics standalone = new GatewayMetrics()) {
        standalone.kafkaError("TimeoutException");
        emitted.addAll(metricNames(standalone.scrape()));
      }
      assertDashboardQueriesOnly(emitted);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void everyHookgateVariableInTheManifestsIsAConfigurationKey(String dir) throws IOException {
    Manifests m = render(dir);
    Path configFile = configMapFile(m);
    // The detection itself must work, or this test would pass whatever the manifests say.
    assertThat(unknownVariables(Map.of("HOOKGATE_NO_SUCH_KEY", "1"), configFile))
        .containsExactly("HOOKGATE_NO_SUCH_KEY");

    Map<String, String> env = containerEnv(m);
    Set<String> readElsewhere = new TreeSet<>(logbackVariables());
    readElsewhere.add("HOOKGATE_CONFIG"); // the file ConfigLoader.load() reads, not a key in it
    // secrets the configuration file names (env:HOOKGATE_ADMIN_TOKEN...), not keys of their own
    readElsewhere.addAll(managementEnvReferences(YAML.readTree(Path.of("conf/hookgate.yaml").toFile())));
    List<String> unknown = unknownVariables(env, configFile).stream().filter(v -> !readElsewhere.contains(v)).toList();
    assertThat(unknown).as("HOOKGATE_* variables in %s that match no configuration key", dir).isEmpty();
    assertThat(env.keySet().stream().filter(k -> k.startsWith("HOOKGATE_")))
        .as("HOOKGATE_* variables are either config keys or read by logback.xml").isNotEmpty();
    // Loading must succeed with the manifest's values (types, durations, booleans).
    assertThat(effectiveConfig(m)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {EXAMPLE, STRIMZI})
  void theSecretHoldsExactlyTheSecretsConfReferencesAndNoValues(String dir) throws IOException {
    Manifests m = render(dir);
    Set<String> referenced = secretEnvReferences(YAML.readTree(Path.of("conf/hookgate.yaml").toFile()));
    assertThat(referenced).contains("KILI_WEBHOOK_SECRET");

    JsonNode secret = m.one("Secret", SECRET_NAME);
    JsonNode data = secret.has("stringData") ? secret.path("stringData") : secret.path("data");
    Set<String> keys = new TreeSet<>();
    data.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isEqualTo(referenced);
    data.fields().forEachRemaining(e -> assertThat(e.getValue().asText())
        .as("the example Secret holds placeholders only: %s must be empty", e.getKey()).isEmpty());
    assertThat(keys).noneMatch(k -> k.startsWith("HOOKGATE_"));

    Set<String> fromSecret = new TreeSet<>();
    m.container().path("envFrom").forEach(ef -> fromSecret.add(ef.path("secretRef").path("name").asText()));
    assertThat(fromSecret).contains(name(secret));
  }

  @ParameterizedTest
  @ValueSource(strings = {EXAMPLE, STRIMZI})
  void theManagementSecretHoldsTheApiTokensAndEncryptionKeysConfReferencesAndNoValues(String dir)
      throws IOException {
    Manifests m = render(dir);
    Set<String> referenced = managementEnvReferences(YAML.readTree(Path.of("conf/hookgate.yaml").toFile()));
    assertThat(referenced).contains("HOOKGATE_ADMIN_TOKEN", "HOOKGATE_VIEWER_TOKEN", "HOOKGATE_ENCRYPTION_KEY");

    JsonNode secret = m.one("Secret", MANAGEMENT_SECRET_NAME);
    JsonNode data = secret.has("stringData") ? secret.path("stringData") : secret.path("data");
    Set<String> keys = new TreeSet<>();
    data.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isEqualTo(referenced);
    data.fields().forEachRemaining(e -> assertThat(e.getValue().asText())
        .as("the example Secret holds placeholders only: %s must be empty", e.getKey()).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void theManagementSecretIsReadButOptionalSoThatWebhooksWorkWithoutIt(String dir) throws IOException {
    Manifests m = render(dir);
    List<JsonNode> refs = new ArrayList<>();
    m.container().path("envFrom").forEach(ef -> {
      if (ef.path("secretRef").path("name").asText().equals(MANAGEMENT_SECRET_NAME)) {
        refs.add(ef.path("secretRef"));
      }
    });
    assertThat(refs).singleElement().satisfies(r -> assertThat(r.path("optional").asBoolean()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void theConfigMapIsConfAndIsMountedWhereHookgateConfigPoints(String dir) throws IOException {
    Manifests m = render(dir);
    JsonNode configMap = m.all("ConfigMap").get(0);
    Set<String> keys = new TreeSet<>();
    configMap.path("data").fieldNames().forEachRemaining(keys::add);
    Set<String> confFiles;
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      // Files only: conf/examples/ holds rule sets to copy, which the gateway does not read.
      confFiles = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("kustomization.yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(keys).as("every file of conf/ is in the ConfigMap (conf/kustomization.yaml)").isEqualTo(confFiles);
    for (String key : keys) {
      assertThat(configMap.path("data").path(key).asText()).as("ConfigMap %s is conf/%s", key, key)
          .isEqualTo(Files.readString(Path.of("conf", key)));
    }

    Path configPath = Path.of(containerEnv(m).get("HOOKGATE_CONFIG"));
    JsonNode volume = volumeMountedAt(m, configPath.getParent().toString());
    assertThat(volume.path("configMap").path("name").asText()).isEqualTo(name(configMap));
    assertThat(keys).contains(configPath.getFileName().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void kafkaIsARealClusterNeverTheEmbeddedBroker(String dir) throws IOException {
    Manifests m = render(dir);
    String bootstrap = containerEnv(m).get("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(bootstrap).isNotBlank().doesNotContain("localhost").doesNotContain("127.0.0.1");
    assertThat(effectiveConfig(m).kafka().useEmbedded()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void thePodOutlivesTheGatewaysShutdownGracePeriod(String dir) throws IOException {
    Manifests m = render(dir);
    HookgateConfig config = effectiveConfig(m);
    long podGrace = m.deployment().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds")
        .asLong();
    Duration gracePeriod = config.shutdown().gracePeriod();
    // After the grace period the gateway still closes its clients: leave it a few seconds before SIGKILL.
    assertThat(Duration.ofSeconds(podGrace)).as("terminationGracePeriodSeconds vs shutdown.gracePeriod %s", gracePeriod)
        .isGreaterThanOrEqualTo(gracePeriod.plusSeconds(5));
    assertThat(config.shutdown().drainDelay()).isPositive().isLessThan(gracePeriod);
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void thePodIsHardenedAndSizedToItsContainer(String dir) {
    Manifests m = render(dir);
    JsonNode pod = m.deployment().path("spec").path("template").path("spec");
    JsonNode c = m.container();
    JsonNode sc = c.path("securityContext");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
    assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean())
        .isTrue();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
    assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(volumeMountedAt(m, "/tmp").has("emptyDir")).as("a writable /tmp").isTrue();

    JsonNode account = m.one("ServiceAccount", pod.path("serviceAccountName").asText());
    assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();

    for (String kind : List.of("requests", "limits")) {
      assertThat(c.path("resources").path(kind).path("cpu").asText()).as(kind + ".cpu").isNotBlank();
      assertThat(c.path("resources").path(kind).path("memory").asText()).as(kind + ".memory").isNotBlank();
    }
    String jvm = containerEnv(m).get("JAVA_TOOL_OPTIONS");
    assertThat(jvm).contains("-XX:MaxRAMPercentage=").doesNotContain("-Xmx").doesNotContain("-XX:MaxRAM=");
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, EXAMPLE, STRIMZI})
  void replicasAutoscalingDisruptionBudgetAndNetworkPolicyFitTheDeployment(String dir) {
    Manifests m = render(dir);
    JsonNode deployment = m.deployment();
    JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
    assertThat(deployment.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);

    JsonNode hpa = m.all("HorizontalPodAutoscaler").get(0).path("spec");
    assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
    assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo(name(deployment));
    assertThat(hpa.path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.path("maxReplicas").asInt()).isGreaterThanOrEqualTo(hpa.path("minReplicas").asInt());

    JsonNode pdb = m.all("PodDisruptionBudget").get(0).path("spec");
    assertSubset(pdb.path("selector").path("matchLabels"), podLabels, "PodDisruptionBudget selector");
    if (pdb.has("minAvailable")) {
      assertThat(pdb.path("minAvailable").asInt()).isLessThan(hpa.path("minReplicas").asInt());
    } else {
      assertThat(pdb.path("maxUnavailable").asInt()).isBetween(1, hpa.path("minReplicas").asInt() - 1);
    }

    JsonNode policy = m.all("NetworkPolicy").get(0).path("spec");
    assertSubset(policy.path("podSelector").path("matchLabels"), podLabels, "NetworkPolicy podSelector");
    assertThat(policy.path("policyTypes")).extracting(JsonNode::asText).contains("Ingress");
    boolean httpOpen = false;
    for (JsonNode rule : policy.path("ingress")) {
      assertThat(rule.path("ports").size()).as("every rule names its ports").isPositive();
      for (JsonNode port : rule.path("ports")) {
        String p = port.path("port").asText();
        assertThat(m.containerPort(p)).as("NetworkPolicy port %s is a container port", p).isPositive();
        if (p.equals("management") || p.equals(String.valueOf(m.containerPort("management")))) {
          assertThat(rule.path("from").size()).as("management is only reachable from named peers").isPositive();
          rule.path("from")
              .forEach(peer -> assertThat(peer.has("ipBlock")).as("no ipBlock peers for management").isFalse());
        } else if (p.equals("http") && rule.path("from").isMissingNode()) {
          httpOpen = true;
        }
      }
    }
    assertThat(httpOpen).as("the webhook port is open").isTrue();
  }

  @Test
  void theStrimziTopicsAreTheGatewaysTopics() throws IOException {
    Manifests m = render(STRIMZI);
    HookgateConfig config = effectiveConfig(m);
    assertThat(config.kafka().createTopics()).as("HOOKGATE_KAFKA_CREATE_TOPICS=false: the Topic Operator owns them")
        .isFalse();

    Map<String, JsonNode> topics = new LinkedHashMap<>();
    for (JsonNode t : m.all("KafkaTopic")) {
      String topicName = t.path("spec").path("topicName").asText(name(t));
      topics.put(topicName, t);
      assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotBlank();
    }
    List<TopicSpec> expected = config.kafka().topics().all();
    assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(TopicSpec::name).toList());
    for (TopicSpec spec : expected) {
      JsonNode t = topics.get(spec.name()).path("spec");
      assertThat(t.path("partitions").asInt()).as(spec.name() + " partitions").isEqualTo(spec.partitions());
      if (spec.replicationFactor() > 0) {
        assertThat(t.path("replicas").asInt()).as(spec.name() + " replicas").isEqualTo(spec.replicationFactor());
      } else {
        assertThat(t.has("replicas")).as(spec.name() + " takes the broker's default replication").isFalse();
      }
      JsonNode topicConfig = t.path("config");
      if (spec.retention() != null) {
        assertThat(topicConfig.path("retention.ms").asLong()).as(spec.name() + " retention.ms")
            .isEqualTo(spec.retention().toMillis());
      } else {
        assertThat(topicConfig.has("retention.ms")).as(spec.name() + " keeps the broker's retention").isFalse();
      }
      assertThat(topicConfig.path("cleanup.policy").asText("delete")).as(spec.name() + " cleanup.policy")
          .isEqualTo(spec.compacted() ? "compact" : "delete");
      // An event's record can be about twice its body: the topic must take what the producers may write.
      assertThat(topicConfig.path("max.message.bytes").asLong()).as(spec.name() + " max.message.bytes")
          .isEqualTo(io.hookgate.kafka.KafkaClientFactory.MAX_RECORD_BYTES);
    }
    // The topics go to the Topic Operator's namespace, the gateway to its own.
    String topicsNamespace = m.all("KafkaTopic").get(0).path("metadata").path("namespace").asText();
    assertThat(topicsNamespace).isNotBlank().isNotEqualTo(m.deployment().path("metadata").path("namespace").asText());
    assertThat(containerEnv(m).get("KAFKA_BOOTSTRAP_SERVERS")).contains("-kafka-bootstrap." + topicsNamespace + ".");
  }

  @Test
  void theServiceMonitorComponentScrapesTheManagementServiceOnly() {
    Manifests m = renderWithServiceMonitor();
    JsonNode monitor = m.all("ServiceMonitor").get(0).path("spec");
    JsonNode selector = monitor.path("selector").path("matchLabels");
    JsonNode management = m.one("Service", "hookgate-management");
    assertSubset(selector, management.path("metadata").path("labels"), "ServiceMonitor selector");
    assertThat(matches(selector, m.one("Service", "hookgate").path("metadata").path("labels")))
        .as("the webhook Service is not scraped").isFalse();
    assertThat(monitor.path("endpoints").get(0).path("port").asText())
        .isEqualTo(servicePort(management).path("name").asText());
  }

  /** The Jib image (pom.xml) has the ports, user and config path the manifests expect, and is not built by default. */
  @Test
  void theJibImageMatchesTheManifests() throws Exception {
    Manifests m = render(BASE);
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    Element jib = null;
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(child(p, "artifactId").getTextContent().trim())) {
        jib = p;
      }
    }
    assertThat(jib).as("jib-maven-plugin in pom.xml").isNotNull();
    assertThat(child(jib, "executions")).as("Jib is bound to no phase: mvn verify never pulls images").isNull();
    Element configuration = child(jib, "configuration");
    Element container = child(configuration, "container");
    assertThat(child(child(configuration, "from"), "image").getTextContent().trim())
        .startsWith("eclipse-temurin:17-jre");

    Set<Integer> imagePorts = new TreeSet<>();
    NodeList ports = child(container, "ports").getElementsByTagName("port");
    for (int i = 0; i < ports.getLength(); i++) {
      imagePorts.add(Integer.parseInt(ports.item(i).getTextContent().trim()));
    }
    assertThat(imagePorts).containsExactlyInAnyOrder(m.containerPort("http"), m.containerPort("management"));

    String configPath = containerEnv(m).get("HOOKGATE_CONFIG");
    assertThat(child(child(container, "environment"), "HOOKGATE_CONFIG").getTextContent().trim()).isEqualTo(configPath);
    Element extra = child(child(child(configuration, "extraDirectories"), "paths"), "path");
    assertThat(child(extra, "from").getTextContent().trim()).isEqualTo("conf");
    assertThat(child(extra, "into").getTextContent().trim()).isEqualTo(Path.of(configPath).getParent().toString());

    String[] user = child(container, "user").getTextContent().trim().split(":");
    JsonNode podSecurity = m.deployment().path("spec").path("template").path("spec").path("securityContext");
    assertThat(Integer.parseInt(user[0])).isEqualTo(podSecurity.path("runAsUser").asInt()).isPositive();
    assertThat(Integer.parseInt(user[1])).isEqualTo(podSecurity.path("runAsGroup").asInt());

    String mainClass = child(container, "mainClass").getTextContent().trim();
    assertThat(Class.forName(mainClass).getMethod("main", String[].class)).isNotNull();
  }

  // ---- rendering ---------------------------------------------------------------------------------------

  private Manifests render(String dir) {
    assumeTrue(kubectlAvailable(), "kubectl is not installed: the Kubernetes manifests in k8s/ are not rendered "
        + "or checked (install kubectl, e.g. apt-get install kubectl; see DEVELOPMENT.md)");
    return rendered.computeIfAbsent(dir, ManifestsTest::kustomize);
  }

  /** The example overlay plus the optional ServiceMonitor component, as an operator would combine them. */
  private Manifests renderWithServiceMonitor() {
    render(EXAMPLE);
    return rendered.computeIfAbsent("servicemonitor", k -> {
      try {
        // Absolute on both sides: createDirectories returns an absolute path when it creates the directory.
        Path dir = Path.of("target", "k8s-test", "example-with-servicemonitor").toAbsolutePath();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: hookgate
            resources: [%s]
            components: [%s]
            """.formatted(dir.relativize(Path.of(EXAMPLE).toAbsolutePath()),
            dir.relativize(Path.of("k8s/components/servicemonitor").toAbsolutePath())));
        return kustomize(dir.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private boolean kubectlAvailable() {
    if (kubectl == null) {
      try {
        Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        kubectl = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        kubectl = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kubectl = false;
      }
    }
    return kubectl;
  }

  private static Manifests kustomize(String dir) {
    try {
      Path err = Files.createTempFile("kustomize-", ".err");
      Process p = new ProcessBuilder("kubectl", "kustomize", dir).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60s");
      }
      String stderr = Files.readString(err);
      Files.deleteIfExists(err);
      assertThat(p.exitValue()).as("kubectl kustomize %s failed: %s", dir, stderr).isZero();
      List<JsonNode> docs = new ArrayList<>();
      try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
        while (it.hasNext()) {
          JsonNode doc = it.next();
          if (doc != null && doc.isObject() && !doc.isEmpty()) {
            docs.add(doc);
          }
        }
      }
      return new Manifests(docs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The rendered resources of one kustomization. */
  private record Manifests(List<JsonNode> docs) {
    List<JsonNode> all(String kind) {
      return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Set<String> kinds() {
      return docs.stream().map(d -> d.path("kind").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    JsonNode one(String kind, String name) {
      return all(kind).stream().filter(d -> name.equals(name(d))).findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    JsonNode deployment() {
      List<JsonNode> deployments = all("Deployment");
      assertThat(deployments).hasSize(1);
      return deployments.get(0);
    }

    JsonNode container() {
      JsonNode containers = deployment().path("spec").path("template").path("spec").path("containers");
      assertThat(containers).hasSize(1);
      return containers.get(0);
    }

    /** A container port by name (or number, as NetworkPolicies may use either); 0 when there is none. */
    int containerPort(String nameOrNumber) {
      for (JsonNode port : container().path("ports")) {
        if (port.path("name").asText().equals(nameOrNumber)
            || port.path("containerPort").asText().equals(nameOrNumber)) {
          return port.path("containerPort").asInt();
        }
      }
      return 0;
    }
  }

  // ---- what the pod would load -------------------------------------------------------------------------

  /** The container's environment; Secret keys pulled in with envFrom take their (placeholder) values. */
  private static Map<String, String> containerEnv(Manifests m) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode ef : m.container().path("envFrom")) {
      String secret = ef.path("secretRef").path("name").asText();
      m.all("Secret").stream().filter(s -> name(s).equals(secret)).forEach(s -> {
        JsonNode data = s.has("stringData") ? s.path("stringData") : s.path("data");
        data.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      });
    }
    for (JsonNode e : m.container().path("env")) {
      env.put(e.path("name").asText(),
          e.has("value") ? e.path("value").asText() : "value-from-" + e.path("name").asText());
    }
    return env;
  }

  /** The configuration file as the pod sees it: the ConfigMap key at HOOKGATE_CONFIG, written to a temp file. */
  private static Path configMapFile(Manifests m) throws IOException {
    Path inPod = Path.of(containerEnv(m).get("HOOKGATE_CONFIG"));
    JsonNode data = m.all("ConfigMap").get(0).path("data").path(inPod.getFileName().toString());
    assertThat(data.isTextual()).as("the ConfigMap has %s", inPod.getFileName()).isTrue();
    Path file = Files.createTempFile("hookgate-k8s-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, data.asText());
    return file;
  }

  private static HookgateConfig effectiveConfig(Manifests m) throws IOException {
    return new ConfigLoader(containerEnv(m)).load(configMapFile(m));
  }

  /** Variables that ConfigLoader, loading {@code file} with {@code env}, reports as matching no key. */
  private static List<String> unknownVariables(Map<String, String> env, Path file) {
    Logger logger = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      new ConfigLoader(env).load(file);
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(UNKNOWN_VARIABLE))
        .map(e -> String.valueOf(e.getArgumentArray()[0]))
        .toList();
  }

  /** HOOKGATE_* variables that logback.xml reads (log format and level): not configuration keys. */
  private static Set<String> logbackVariables() throws IOException {
    Matcher matcher = Pattern.compile("\\$\\{(HOOKGATE_[A-Z0-9_]+)")
        .matcher(Files.readString(Path.of("src/main/resources/logback.xml")));
    Set<String> names = new TreeSet<>();
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** env:NAME references under sources.*.auth.secrets (and auth.alternatives[*].secrets), in either written form. */
  /** The env:NAME references of the api tokens and encryption keys in a configuration file. */
  private static Set<String> managementEnvReferences(JsonNode conf) {
    List<JsonNode> refs = new ArrayList<>();
    conf.path("api").path("tokens").forEach(t -> refs.add(t.path("secret")));
    conf.path("encryption").path("keys").forEach(refs::add);
    Set<String> names = new TreeSet<>();
    refs.forEach(ref -> {
      if (ref.isTextual() && ref.asText().startsWith("env:")) {
        names.add(ref.asText().substring(4));
      } else if (ref.has("env")) {
        names.add(ref.path("env").asText());
      }
    });
    return names;
  }

  private static Set<String> secretEnvReferences(JsonNode conf) {
    Set<String> names = new TreeSet<>();
    conf.path("sources").forEach(source -> {
      List<JsonNode> auths = new ArrayList<>(List.of(source.path("auth")));
      source.path("auth").path("alternatives").forEach(auths::add);
      auths.forEach(auth -> auth.path("secrets").forEach(ref -> {
        if (ref.isTextual() && ref.asText().startsWith("env:")) {
          names.add(ref.asText().substring(4));
        } else if (ref.has("env")) {
          names.add(ref.path("env").asText());
        }
      }));
    });
    return names;
  }

  // ---- dashboard -----------------------------------------------------------------------------------------

  private static final Pattern METRIC = Pattern.compile("\\b((?:hookgate|jvm|process|system|kafka)_[a-z0-9_]+)\\b");

  /** Every metric the dashboard queries is emitted by the gateway; no panel is a placeholder any more. */
  private static void assertDashboardQueriesOnly(Set<String> emitted) throws IOException {
    JsonNode dashboard = JSON.readTree(Path.of("k8s/grafana/hookgate-dashboard.json").toFile());
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : panels(dashboard)) {
      assertThat(panel.path("title").asText() + " " + panel.path("description").asText())
          .as("panel %s", panel.path("id")).doesNotContain("PLACEHOLDER");
      for (JsonNode target : panel.path("targets")) {
        Matcher matcher = METRIC.matcher(target.path("expr").asText());
        while (matcher.find()) {
          queried.add(matcher.group(1));
          if (!emitted.contains(matcher.group(1))) {
            missing.computeIfAbsent(panel.path("title").asText(), k -> new TreeSet<>()).add(matcher.group(1));
          }
        }
      }
    }
    assertThat(missing).as("dashboard panels querying metrics the gateway does not emit").isEmpty();
    // The panels an operator looks at for the pipeline behind the ingress are there.
    assertThat(queried).contains("hookgate_action_attempts_total", "hookgate_action_dead_letters_total",
        "hookgate_breaker_state", "hookgate_consumer_group_lag", "hookgate_rules_events_total",
        "kafka_consumer_fetch_manager_records_lag_max");
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      out.add(panel);
      panel.path("panels").forEach(out::add);
    }
    return out;
  }

  private static Set<String> metricNames(String exposition) {
    return exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String authorization, String body)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .header("Authorization", authorization).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String name(JsonNode resource) {
    return resource.path("metadata").path("name").asText();
  }

  private static JsonNode servicePort(JsonNode service) {
    JsonNode ports = service.path("spec").path("ports");
    assertThat(ports).as("ports of Service %s", name(service)).hasSize(1);
    return ports.get(0);
  }

  private static JsonNode volumeMountedAt(Manifests m, String mountPath) {
    String volume = StreamSupport.stream(m.container().path("volumeMounts").spliterator(), false)
        .filter(v -> v.path("mountPath").asText().equals(mountPath)).map(v -> v.path("name").asText())
        .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
    return StreamSupport
        .stream(m.deployment().path("spec").path("template").path("spec").path("volumes").spliterator(), false)
        .filter(v -> v.path("name").asText().equals(volume)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + volume));
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isEmpty()) {
      return false;
    }
    var it = selector.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static void assertSubset(JsonNode selector, JsonNode labels, String what) {
    assertThat(matches(selector, labels)).as("%s %s matches the labels %s", what, selector, labels).isTrue();
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }
}
