package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as an operator writes it: the shipped file, environment overrides, and the errors. */
class ConfigLoaderTest {
  private static final String KILI = """
      sources:
        kili:
          kind: kili
          auth:
            type: header
            secrets: [ env:KILI_WEBHOOK_SECRET ]
      """;

  private static HookgateConfig load(String yaml, Map<String, String> env) {
    return new ConfigLoader(env).loadYaml(yaml);
  }

  private static HookgateConfig load(String yaml) {
    return load(yaml, Map.of());
  }

  // --- the shipped configuration -------------------------------------------------------------

  @Test
  void shippedConfigLoadsWithOneSourcePerKindAndSecretsFromTheDocumentedVariables() {
    HookgateConfig config = new ConfigLoader(Map.of()).load(Path.of("conf", "hookgate.yaml"));

    assertThat(config.sources()).containsOnlyKeys("kili", "v7", "aquarium", "isahit", "generic");
    Map<String, String> secretVariable = Map.of("kili", "KILI_WEBHOOK_SECRET", "v7", "V7_WEBHOOK_SECRET",
        "aquarium", "AQUARIUM_WEBHOOK_SECRET", "isahit", "ISAHIT_WEBHOOK_SECRET", "generic", "GENERIC_WEBHOOK_SECRET");
    secretVariable.forEach((name, variable) -> {
      SourceConfig source = config.sources().get(name);
      assertThat(source.kind()).as(name).isEqualTo(name);
      // V7's static header is the first of its alternatives; its signing key is the second.
      AuthConfig auth = name.equals("v7") ? source.auth().alternatives().get(0) : source.auth();
      assertThat(auth.secrets()).as(name).first().isEqualTo(SecretRef.ofEnv(variable));
      assertThat(auth.type()).as(name).isNotEqualTo("none");
    });
    AuthConfig v7 = config.sources().get("v7").auth();
    assertThat(v7.type()).isEqualTo("any");
    assertThat(v7.alternatives()).extracting(AuthConfig::type).containsExactly("header", "timestamped-hmac");
    assertThat(v7.alternatives().get(0).header()).isEqualTo("Authorization");
    assertThat(v7.alternatives().get(1).preset()).isEqualTo("v7");
    assertThat(v7.alternatives().get(1).secrets()).first().isEqualTo(SecretRef.ofEnv("V7_WEBHOOK_SIGNING_KEY"));
    assertThat(config.sources().get("aquarium").auth().header()).isEqualTo("X-Aquarium-Secret");
    assertThat(config.sources().get("kili").auth().header()).isEqualTo("Authorization");
    assertThat(config.sources().get("generic").auth().type()).isEqualTo("standard-webhooks");
    assertThat(config.ingress().port()).isEqualTo(8080);
    assertThat(config.management().port()).isEqualTo(9090);
    assertThat(config.ingress().maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.kafka().useEmbedded()).isTrue();
    assertThat(config.kafka().embedded().dataDir()).isEqualTo("./data/kafka");
  }

  @Test
  void shippedConfigReadsTheApiTokensAndEncryptionKeysFromTheDocumentedVariables() {
    HookgateConfig config = new ConfigLoader(Map.of()).load(Path.of("conf", "hookgate.yaml"));

    assertThat(config.api().tokens()).extracting(ApiConfig.Token::role).containsExactly("admin", "viewer");
    assertThat(config.api().tokens()).extracting(ApiConfig.Token::secret)
        .containsExactly(SecretRef.ofEnv("HOOKGATE_ADMIN_TOKEN"), SecretRef.ofEnv("HOOKGATE_VIEWER_TOKEN"));
    assertThat(config.encryption().keys()).containsExactly(SecretRef.ofEnv("HOOKGATE_ENCRYPTION_KEY"),
        SecretRef.ofEnv("HOOKGATE_ENCRYPTION_KEY_PREVIOUS"));
    assertThat(config.subscriptions().allowedHosts()).isEmpty();
    assertThat(config.subscriptions().secretOverlap()).isEqualTo(Duration.ofHours(24));
    assertThat(config.kafka().topics().subscriptions().name()).isEqualTo("hookgate.subscriptions");
    assertThat(config.kafka().topics().subscriptionCommands().name()).isEqualTo("hookgate.subscriptions.commands");
  }

  @Test
  void aListOfStringsIsSetFromTheEnvironmentAsCommaSeparatedValues() {
    HookgateConfig config = new ConfigLoader(Map.of("HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS", "127.0.0.1, 10.0.0.0/8,",
        "HOOKGATE_SUBSCRIPTIONS_SECRET_OVERLAP", "1h")).load(Path.of("conf", "hookgate.yaml"));
    assertThat(config.subscriptions().allowedHosts()).containsExactly("127.0.0.1", "10.0.0.0/8");
    assertThat(config.subscriptions().secretOverlap()).isEqualTo(Duration.ofHours(1));

    HookgateConfig target = load("""
        targets:
          hooks: { baseUrl: "http://hooks.internal/x" }
        """, Map.of("HOOKGATE_TARGETS_HOOKS_ALLOWED_HOSTS", "hooks.internal,10.1.0.0/16"));
    assertThat(target.targets().get("hooks").allowedHosts()).containsExactly("hooks.internal", "10.1.0.0/16");
  }

  @Test
  void hookgateConfigNamesTheFileToLoad(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("elsewhere.yaml");
    Files.writeString(file, "ingress:\n  port: 18080\n" + KILI);

    HookgateConfig config = new ConfigLoader(Map.of("HOOKGATE_CONFIG", file.toString())).load();

    assertThat(config.ingress().port()).isEqualTo(18080);
    assertThat(config.sources()).containsOnlyKeys("kili");
  }

  @Test
  void hookgateConfigPointingNowhereIsAnErrorNamingTheVariable(@TempDir Path dir) {
    String missing = dir.resolve("nope.yaml").toString();
    assertThatThrownBy(() -> new ConfigLoader(Map.of("HOOKGATE_CONFIG", missing)).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HOOKGATE_CONFIG")
        .hasMessageContaining("nope.yaml");
  }

  // --- environment overrides -----------------------------------------------------------------

  @Test
  void environmentOverridesAKeyOfTheFile() {
    HookgateConfig config = load("ingress:\n  port: 8080\n" + KILI, Map.of("HOOKGATE_INGRESS_PORT", "8181"));
    assertThat(config.ingress().port()).isEqualTo(8181);
  }

  @Test
  void environmentOverridesABuiltInDefaultTheFileDoesNotMention() {
    HookgateConfig config = load(KILI, Map.of("HOOKGATE_INGRESS_PUBLISH_TIMEOUT", "750ms",
        "HOOKGATE_MANAGEMENT_PORT", "9191"));
    assertThat(config.ingress().publishTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(config.management().port()).isEqualTo(9191);
  }

  @Test
  void environmentSetsAPerSourceKeyAbsentFromTheFileWithUnderscoresBetweenWords() {
    HookgateConfig config = load(KILI, Map.of("HOOKGATE_SOURCES_KILI_MAX_BODY_BYTES", "2MiB"));
    assertThat(config.sources().get("kili").maxBodyBytes()).isEqualTo(2L * 1024 * 1024);
  }

  @Test
  void environmentSetsAPerSourceKeyWithTheCamelCaseWordsRunTogether() {
    HookgateConfig config = load(KILI, Map.of("HOOKGATE_SOURCES_KILI_MAXBODYBYTES", "2MiB"));
    assertThat(config.sources().get("kili").maxBodyBytes()).isEqualTo(2L * 1024 * 1024);
  }

  @Test
  void environmentReachesSourcesWhoseNamesHaveDashes() {
    HookgateConfig config = load("""
        sources:
          kili-eu:
            kind: kili
            auth: { type: header, secrets: [ env:KILI_EU_SECRET ] }
        """, Map.of("HOOKGATE_SOURCES_KILI_EU_AUTH_HEADER", "X-Kili-Token"));
    assertThat(config.sources().get("kili-eu").auth().header()).isEqualTo("X-Kili-Token");
  }

  @Test
  void kafkaBootstrapServersSelectsAnExternalCluster() {
    HookgateConfig config = load(KILI, Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092"));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.kafka().useEmbedded()).isFalse();
  }

  @Test
  void theHookgatePrefixedVariableWinsOverKafkaBootstrapServers() {
    HookgateConfig config = load(KILI, Map.of("KAFKA_BOOTSTRAP_SERVERS", "generic:9092",
        "HOOKGATE_KAFKA_BOOTSTRAP_SERVERS", "specific:9092"));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("specific:9092");
  }

  @Test
  void environmentAddsKafkaClientPropertiesWithDotsForUnderscores() {
    HookgateConfig config = load(KILI, Map.of("HOOKGATE_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
        "HOOKGATE_KAFKA_PRODUCER_LINGER_MS", "5"));
    assertThat(config.kafka().client()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(config.kafka().producer()).containsEntry("linger.ms", "5");
  }

  @Test
  void variablesThatNameNoKeyAreIgnoredSoThatKubernetesServiceLinksDoNotBreakStartUp() {
    // A Service named hookgate makes Kubernetes inject HOOKGATE_PORT=tcp://..., HOOKGATE_SERVICE_HOST, ...
    HookgateConfig config = load(KILI, Map.of("HOOKGATE_PORT", "tcp://10.0.0.1:8080",
        "HOOKGATE_SERVICE_HOST", "10.0.0.1", "HOOKGATE_PORT_8080_TCP_PORT", "8080"));
    assertThat(config.ingress().port()).isEqualTo(8080);
  }

  @Test
  void aBadValueFromTheEnvironmentIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load(KILI, Map.of("HOOKGATE_INGRESS_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'ingress.port'");
    assertThatThrownBy(() -> load(KILI, Map.of("HOOKGATE_SOURCES_KILI_MAX_BODY_BYTES", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sources.kili.maxBodyBytes");
  }

  // --- errors name the key -------------------------------------------------------------------

  @Test
  void anUnknownKeyIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("ingress:\n  prot: 8081\n" + KILI))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'ingress.prot'");
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            maxBodySize: 2MiB
            auth: { type: header, secrets: [ env:KILI_WEBHOOK_SECRET ] }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.kili.maxBodySize'");
    assertThatThrownBy(() -> load("sourcez: {}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sourcez'");
  }

  @Test
  void anUnknownKeyErrorListsTheKeysThatExistThere() {
    assertThatThrownBy(() -> load("ingress:\n  prot: 8081\n" + KILI))
        .hasMessageContaining("port").hasMessageContaining("maxBodyBytes");
  }

  @Test
  void anEmptySourceIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("sources:\n  kili:\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.kili'");
  }

  @Test
  void theCommitIntervalDefaultsTo200msAndIsBounded() {
    assertThat(load(KILI).kafka().commitInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(load(KILI, Map.of("HOOKGATE_KAFKA_COMMIT_INTERVAL", "0s")).kafka().commitInterval()).isZero();
    assertThatThrownBy(() -> load("kafka:\n  commitInterval: 2m\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'kafka.commitInterval'").hasMessageContaining("1m");
  }

  @Test
  void theLiveTailsCpuShareDefaultsTo5PercentAndIsBounded() {
    assertThat(load(KILI).management().streams().cpuShare()).isEqualTo(0.05);
    assertThat(load(KILI, Map.of("HOOKGATE_MANAGEMENT_STREAMS_CPU_SHARE", "0.25")).management().streams().cpuShare())
        .isEqualTo(0.25);
    for (String refused : new String[] {"0", "1.5", "-0.1"}) {
      assertThatThrownBy(() -> load(KILI, Map.of("HOOKGATE_MANAGEMENT_STREAMS_CPU_SHARE", refused)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("'management.streams.cpuShare'");
    }
  }

  @Test
  void theGroupInstanceIdIsEmptyByDefaultAndAPodName() {
    assertThat(load(KILI).kafka().groupInstanceId()).isEmpty();
    assertThat(load(KILI, Map.of("HOOKGATE_KAFKA_GROUP_INSTANCE_ID", "hookgate-7d9f8-x2x5q")).kafka().groupInstanceId())
        .isEqualTo("hookgate-7d9f8-x2x5q");
    assertThatThrownBy(() -> load(KILI, Map.of("HOOKGATE_KAFKA_GROUP_INSTANCE_ID", "pod a/1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'kafka.groupInstanceId'");
  }

  @Test
  void aValueOfTheWrongTypeIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("ingress:\n  port: eighty\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ingress.port'");
    assertThatThrownBy(() -> load("ingress:\n  publishTimeout: soon\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ingress.publishTimeout'")
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> load("ingress:\n  maxBodyBytes: 1 lightyear\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ingress.maxBodyBytes'")
        .hasMessageContaining("not a size");
    assertThatThrownBy(() -> load("ingress:\n  accessLog: [yes]\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ingress.accessLog'");
    assertThatThrownBy(() -> load("kafka:\n  topics:\n    events:\n      partitions: many\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'kafka.topics.events.partitions'");
  }

  @Test
  void anOutOfRangeValueIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("ingress:\n  port: 70000\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ingress.port'");
    assertThatThrownBy(() -> load("management:\n  port: 8080\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'management.port'");
    assertThatThrownBy(() -> load("kafka:\n  topics:\n    events:\n      name: 'no spaces allowed'\n" + KILI))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.topics");
  }

  @Test
  void anUnknownKindIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("""
        sources:
          labelbox:
            kind: labelbox
            auth: { type: none }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.labelbox.kind'")
        .hasMessageContaining("kili, kili-subscription, v7");
  }

  @Test
  void aKiliSubscriptionSourceTakesItsKeyAndProjectsUnderPullWithDefaultsForTheRest() {
    HookgateConfig c = load("""
        sources:
          kili-live:
            kind: kili-subscription
            pull:
              apiKey: env:KILI_API_KEY
              projects: [ proj-1, proj-2 ]
              renewEvery: 12h
        """);
    KiliPullConfig pull = c.sources().get("kili-live").pull();
    assertThat(pull.endpoint()).isEqualTo("wss://cloud.kili-technology.com/api/label/v2/graphql");
    assertThat(pull.apiKey()).hasToString("env:KILI_API_KEY");
    assertThat(pull.projects()).containsExactly("proj-1", "proj-2");
    assertThat(pull.renewEvery()).isEqualTo(Duration.ofHours(12));
    assertThat(pull.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(pull.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(pull.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
    assertThat(pull.pageSize()).isEqualTo(100);
    assertThat(c.kafka().topics().pullPositions().name()).isEqualTo("hookgate.pull.positions");
    assertThat(c.kafka().topics().pullPositions().compacted()).isTrue();
  }

  @Test
  void aKiliSubscriptionSourceIsRefusedWithTheKeyToFix() {
    assertThatThrownBy(() -> load("""
        sources:
          kili-live: { kind: kili-subscription }
        """)).hasMessage("config key 'sources.kili-live.pull': is required for a kili-subscription source (at least"
        + " apiKey and projects)");
    assertThatThrownBy(() -> load("""
        sources:
          kili-live:
            kind: kili-subscription
            auth: { type: none }
            pull: { apiKey: env:K, projects: [p] }
        """)).hasMessage("config key 'sources.kili-live.auth': a kili-subscription source takes no webhooks, so it has"
        + " no auth; its credentials are under pull");
    assertThatThrownBy(() -> load("""
        sources:
          kili-live:
            kind: kili-subscription
            pull: { apiKey: env:K, projects: [] }
        """)).hasMessage("config key 'sources.kili-live.pull.projects': lists at least one Kili project id");
    assertThatThrownBy(() -> load("""
        sources:
          kili-live:
            kind: kili-subscription
            pull: { projects: [p] }
        """)).hasMessage("config key 'sources.kili-live.pull.apiKey': is required: a secret reference such as"
        + " env:KILI_API_KEY");
    assertThatThrownBy(() -> load("""
        sources:
          kili-live:
            kind: kili-subscription
            pull: { apiKey: env:K, projects: [p], endpoint: "https://cloud.kili-technology.com/api/label/v2/graphql" }
        """)).hasMessageContaining("config key 'sources.kili-live.pull.endpoint': must be a ws:// or wss:// URL");
    assertThatThrownBy(() -> load("""
        sources:
          kili-live:
            kind: kili-subscription
            pull: { apiKey: env:K, projects: [p], renewEvery: 744h }
        """)).hasMessageContaining("config key 'sources.kili-live.pull.renewEvery': must be at most 696h (29 days)");
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            auth: { type: none }
            pull: { apiKey: env:K, projects: [p] }
        """)).hasMessage("config key 'sources.kili.pull': only a kili-subscription source pulls");
  }

  @Test
  void anUnknownOrMissingAuthTypeIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            auth: { type: oauth, secrets: [ env:X ] }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.kili.auth.type'")
        .hasMessageContaining("standard-webhooks");
    // No auth at all is not "open": an operator has to write auth: none.
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.kili.auth.type'")
        .hasMessageContaining("none");
  }

  @Test
  void anAuthenticatedSourceWithoutSecretReferencesIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            auth: { type: header }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.kili.auth.secrets'");
  }

  @Test
  void aGenericSourceWithoutAMappingIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("""
        sources:
          acme:
            kind: generic
            auth: { type: none }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.acme.mapping.eventType'");
    assertThatThrownBy(() -> load("""
        sources:
          acme:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type, projectId: data.project }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.acme.mapping.projectId'")
        .hasMessageContaining("JSON pointer");
  }

  @Test
  void anInvalidHmacEncodingIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> load("""
        sources:
          gh:
            kind: generic
            auth: { type: hmac, encoding: base32, secrets: [ env:GH ] }
            mapping: { eventType: /action }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'sources.gh.auth.encoding'");
  }

  // --- secrets -------------------------------------------------------------------------------

  @Test
  void secretsAreReferencedByEnvironmentVariableFileOrInlineValue(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kili.secret");
    Files.writeString(file, "from-a-file\n"); // mounted Kubernetes Secrets often end with a newline
    HookgateConfig config = load("""
        sources:
          kili:
            kind: kili
            auth:
              type: header
              secrets:
                - env:SHORT_ENV
                - { env: LONG_ENV }
                - file:%1$s
                - { file: "%1$s" }
                - { value: inline-for-trials }
        """.formatted(file), Map.of());

    List<SecretRef> refs = config.sources().get("kili").auth().secrets();
    Map<String, String> env = Map.of("SHORT_ENV", "from-short", "LONG_ENV", "from-long");
    assertThat(refs).extracting(r -> r.resolve(env).orElseThrow().reveal())
        .containsExactly("from-short", "from-long", "from-a-file", "from-a-file", "inline-for-trials");
    assertThat(refs.get(0).resolve(env).orElseThrow().origin()).isEqualTo("env:SHORT_ENV");
  }

  @Test
  void anUnsetVariableOrMissingFileResolvesToNothingSoTheSourceCanFailClosed(@TempDir Path dir) {
    assertThat(SecretRef.ofEnv("NOT_SET").resolve(Map.of())).isEmpty();
    assertThat(SecretRef.ofEnv("EMPTY").resolve(Map.of("EMPTY", ""))).isEmpty();
    assertThat(SecretRef.parse("file:" + dir.resolve("absent")).resolve(Map.of())).isEmpty();
  }

  @Test
  void aBareStringSecretIsRefusedSoThatSecretsStayOutOfConfigFiles() {
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ "my-actual-secret" ] }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sources.kili.auth.secrets")
        .hasMessageContaining("env:NAME")
        .hasMessageNotContaining("my-actual-secret");
  }

  @Test
  void aSecretReferenceWithTwoOriginsIsRefused() {
    assertThatThrownBy(() -> load("""
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ { env: A, value: also-a-secret } ] }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sources.kili.auth.secrets")
        .hasMessageContaining("exactly one")
        .hasMessageNotContaining("also-a-secret");
  }

  @Test
  void secretsNeverPrintThemselves() throws Exception {
    Secret secret = new Secret("hunter2-secret-value", "env:KILI_WEBHOOK_SECRET");
    assertThat(secret.toString()).doesNotContain("hunter2").contains("env:KILI_WEBHOOK_SECRET");

    SecretRef inline = SecretRef.ofValue("hunter2-secret-value");
    assertThat(inline.toString()).doesNotContain("hunter2");
    AuthConfig auth = new AuthConfig("header", "Authorization", null, null,
        List.of(inline, SecretRef.ofEnv("KILI_WEBHOOK_SECRET")), null);
    assertThat(auth.toString()).doesNotContain("hunter2").contains("env:KILI_WEBHOOK_SECRET");

    HookgateConfig config = load("""
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ { value: hunter2-secret-value } ] }
        """);
    assertThat(config.toString()).doesNotContain("hunter2");
    // Serialized (an admin endpoint dumping its config, say), the value stays masked too.
    assertThat(new ObjectMapper().writeValueAsString(config.sources())).doesNotContain("hunter2");
  }

  // --- durations and sizes -------------------------------------------------------------------

  @Test
  void durationsAreWrittenWithAUnitAndABareNumberIsMilliseconds() {
    assertThat(Sizes.duration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Sizes.duration("k", "5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Sizes.duration("k", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Sizes.duration("k", "168h")).isEqualTo(Duration.ofHours(168));
    assertThat(Sizes.duration("k", " 10 S ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Sizes.duration("k", "1500")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> Sizes.duration("ingress.idleTimeout", "1.5s"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ingress.idleTimeout");
    assertThatThrownBy(() -> Sizes.duration("k", "-5s")).isInstanceOf(ConfigException.class);
  }

  @Test
  void sizesTakeDecimalAndBinaryUnits() {
    assertThat(Sizes.bytes("k", "1048576")).isEqualTo(1_048_576L);
    assertThat(Sizes.bytes("k", "512KiB")).isEqualTo(512L * 1024);
    assertThat(Sizes.bytes("k", "1MiB")).isEqualTo(1024L * 1024);
    assertThat(Sizes.bytes("k", "2 mib")).isEqualTo(2L * 1024 * 1024);
    assertThat(Sizes.bytes("k", "1GiB")).isEqualTo(1024L * 1024 * 1024);
    assertThat(Sizes.bytes("k", "64kb")).isEqualTo(64_000L);
    assertThat(Sizes.bytes("k", "1MB")).isEqualTo(1_000_000L);
    assertThat(Sizes.bytes("k", "100b")).isEqualTo(100L);
    assertThatThrownBy(() -> Sizes.bytes("ingress.maxBodyBytes", "1TiB"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ingress.maxBodyBytes");
  }

  @Test
  void durationsAndSizesBindFromTheFileAsTextOrNumbers() {
    HookgateConfig config = load("""
        ingress:
          maxBodyBytes: 65536
          publishTimeout: 1500
          bodyReadTimeout: 3s
        """ + KILI.replace("kind: kili", "kind: kili\n    maxBodyBytes: 4KiB"));
    assertThat(config.ingress().maxBodyBytes()).isEqualTo(65_536L);
    assertThat(config.ingress().publishTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.ingress().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.sources().get("kili").maxBodyBytes()).isEqualTo(4096L);
  }

  @Test
  void builtInDefaultsApplyWhereTheFileIsSilent() {
    HookgateConfig config = load(KILI);
    assertThat(config.ingress().port()).isEqualTo(8080);
    assertThat(config.management().port()).isEqualTo(9090);
    assertThat(config.ingress().maxBodyBytes()).isEqualTo(1024L * 1024);
    assertThat(config.ingress().publishTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.ingress().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.ingress().retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.kafka().topics().events().name()).isEqualTo("hookgate.events");
    assertThat(config.sources().get("kili").maxBodyBytes()).isNull();
  }
}
