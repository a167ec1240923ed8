package io.hookgate.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.admin.ApiClient;
import io.hookgate.admin.ApiGateways;
import io.hookgate.config.ConfigException;
import io.hookgate.config.ConfigLoader;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a connection needs, said clearly: ingress.publicUrl, a source that connects, the platform's credentials. */
@ExtendWith(KafkaBrokerExtension.class)
class ConnectConfigTest {

  @Test
  void withoutAPublicUrlOrCredentialsConnectingIs409AndASourceThatDoesNotConnectIs404(KafkaBroker broker)
      throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start(broker, ApiGateways.yaml() + """
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ env:KILI_TOKEN ] }
            connect: { apiKey: env:KILI_API_KEY }
          plain: { kind: kili, auth: { type: header, secrets: [ env:KILI_TOKEN ] } }
        """, ApiGateways.env())) {
      ApiClient admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
      HttpResponse<String> noUrl = admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-1\"}");
      assertThat(noUrl.statusCode()).as(noUrl.body()).isEqualTo(409);
      // The platform's credentials are checked first: KILI_API_KEY is not set either.
      assertThat(ApiClient.json(noUrl).path("type").asText()).isEqualTo("urn:hookgate:problem:connect-not-configured");
      assertThat(ApiClient.json(noUrl).path("detail").asText()).contains("sources.kili.connect.apiKey")
          .contains("env:KILI_API_KEY");
      HttpResponse<String> plain = admin.post("/api/v1/sources/plain/connections", "{\"projectId\": \"p-1\"}");
      assertThat(plain.statusCode()).isEqualTo(404);
      assertThat(ApiClient.json(plain).path("type").asText()).isEqualTo("urn:hookgate:problem:no-connections");
      assertThat(admin.get("/api/v1/sources/nowhere/connections").statusCode()).isEqualTo(404);
    }
    Map<String, String> env = new java.util.HashMap<>(ApiGateways.env());
    env.put("KILI_API_KEY", "key");
    try (GatewayHarness gateway = GatewayHarness.start(broker, ApiGateways.yaml() + """
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ env:KILI_TOKEN ] }
            connect: { endpoint: "http://127.0.0.1:9/graphql", apiKey: env:KILI_API_KEY }
        """, env)) {
      HttpResponse<String> noUrl = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN)
          .post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-1\"}");
      assertThat(noUrl.statusCode()).as(noUrl.body()).isEqualTo(409);
      assertThat(ApiClient.json(noUrl).path("type").asText()).isEqualTo("urn:hookgate:problem:public-url-missing");
      assertThat(ApiClient.json(noUrl).path("detail").asText()).contains("ingress.publicUrl");
    }
  }

  @Test
  void theConfigurationSaysWhatAConnectBlockNeeds() {
    ConfigLoader loader = new ConfigLoader(Map.of());
    assertThatThrownBy(() -> loader.loadYaml("""
        sources:
          v7: { kind: v7, auth: { type: header, secrets: [ env:X ] }, connect: { apiKey: env:K } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("sources.v7.connect")
        .hasMessageContaining("only kili and isahit");
    assertThatThrownBy(() -> loader.loadYaml("""
        sources:
          kili: { kind: kili, auth: { type: header, secrets: [ env:X ] }, connect: { } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("sources.kili.connect.apiKey");
    assertThatThrownBy(() -> loader.loadYaml("""
        sources:
          isahit: { kind: isahit, auth: { type: header, secrets: [ env:X ] }, connect: { accessId: env:A } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("sources.isahit.connect.secretKey");
    assertThatThrownBy(() -> loader.loadYaml("""
        ingress: { publicUrl: "hooks.example.com" }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("ingress.publicUrl");
    assertThat(
        new ConfigLoader(Map.of("HOOKGATE_INGRESS_PUBLIC_URL", "https://hooks.example.com")).loadYaml("rules: []")
            .ingress().publicUrl())
        .isEqualTo("https://hooks.example.com");
    assertThat(loader.loadYaml("""
        ingress: { publicUrl: "https://hooks.example.com/base/" }
        sources:
          isahit:
            kind: isahit
            auth: { type: header, secrets: [ env:X ] }
            connect: { accessId: env:A, secretKey: env:S, recheckEvery: 10m }
        """).sources().get("isahit").connect().recheckEvery()).hasMinutes(10);
  }
}
