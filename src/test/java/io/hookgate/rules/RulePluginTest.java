package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.actions.ActionRecord;
import io.hookgate.config.ConfigException;
import io.hookgate.config.RuleConfig;
import io.hookgate.event.RawJson;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulePluginTest {

  /** A plugin that is not registered on the test classpath: only the loader built below finds it. */
  public static final class EchoPlugin implements RulePlugin {
    private String target;

    @Override
    public String name() {
      return "echo";
    }

    @Override
    public void configure(JsonNode params) {
      if (!params.path("target").isTextual()) {
        throw new IllegalArgumentException("target is required");
      }
      target = params.path("target").asText();
    }

    @Override
    public List<ActionSpec> evaluate(RuleEvent event) {
      if (event.subject() == null) {
        throw new IllegalStateException("no subject");
      }
      return List.of(ActionSpec.slack(target, event.type() + " " + event.subject()), ActionSpec.forward(target));
    }
  }

  @Test
  void theExamplePluginIsFoundByNameAndGivesWhatTheCelRuleGives() {
    List<RuleConfig> kili = RuleFixtures.example("kili.yaml");
    RuleConfig cel = kili.get(0);
    RuleConfig plugin = SeedRulesTest.enabled(kili.get(1));
    assertThat(plugin.plugin()).isEqualTo("kili-box-quality");
    RuleSet rules = new RuleCompiler().compile(List.of(cel, plugin));

    for (String fixture : List.of("kili-onsubmit-three-boxes.json", "kili-onsubmit-one-box.json")) {
      List<RuleResult> results = RuleFixtures.evaluate(rules, RuleFixtures.event("kili", "kili", fixture, "evt"));
      assertThat(results).extracting(RuleResult::outcome).containsExactly("matched", "matched");
      JsonNode fromCel = RuleFixtures.json(results.get(0).actions());
      JsonNode fromPlugin = RuleFixtures.json(results.get(1).actions());
      assertThat(fromPlugin.toString().replace("kili-box-quality-plugin", "kili-box-quality"))
          .isEqualTo(fromCel.toString());
      assertThat(results.get(1).actions().get(0).id()).isEqualTo("evt:kili-box-quality-plugin:0");
    }
  }

  @Test
  void unknownPluginNamesWhatIsAvailable() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: p, plugin: kili-box-qualty }
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].plugin").hasMessageContaining("rule 'p'")
        .hasMessageContaining("no plugin named 'kili-box-qualty'").hasMessageContaining("available: kili-box-quality");
  }

  @Test
  void pluginRefusingItsParamsStopsStartUp() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: p, plugin: kili-box-quality, params: { maxAreaRatio: big } }
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].params").hasMessageContaining("maxAreaRatio must be a number");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: p, plugin: kili-box-quality, actions: [ { target: t, kind: http } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("either a plugin or CEL actions");
  }

  @Test
  void pluginsComeFromServiceLoaderRegistrationsOnTheClassPath(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(RulePlugin.class.getName()), EchoPlugin.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      RuleCompiler compiler = new RuleCompiler(loader);
      RuleSet rules = compiler.compile(RuleFixtures.rules("""
          rules:
            - name: echo-kili
              plugin: echo
              scope: { sources: [kili] }
              params: { target: hooks }
          """));
      List<RuleResult> results = RuleFixtures.evaluate(rules,
          RuleFixtures.event("kili", "kili", "kili-onsubmit-one-box.json", "e1"));
      RuleResult r = results.get(0);
      assertThat(r.emitted()).isEqualTo(2);
      ActionRecord slack = r.actions().get(0);
      assertThat(slack.id()).isEqualTo("e1:echo-kili:0");
      assertThat(slack.body().toString())
          .isEqualTo("{\"text\":\"labeling.label.submitted clfcblmgn0h4y0js5b2yy7qvx\"}");
      ActionRecord forward = slack.then().get(0);
      assertThat(forward.id()).isEqualTo("e1:echo-kili:1");
      assertThat(RawJson.tree(forward.body(), RuleFixtures.MAPPER).path("id").asText()).isEqualTo("e1");

      assertThatThrownBy(() -> compiler.compile(RuleFixtures.rules("""
          rules:
            - { name: echo-bad, plugin: echo }
          """))).isInstanceOf(ConfigException.class).hasMessageContaining("target is required");
    }
  }

  @Test
  void aPluginThatThrowsIsThatRulesErrorForThatEvent(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(RulePlugin.class.getName()), EchoPlugin.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      RuleSet rules = new RuleCompiler(loader).compile(RuleFixtures.rules("""
          rules:
            - { name: echo, plugin: echo, params: { target: hooks } }
          """));
      ObjectNode body = (ObjectNode) RuleFixtures.MAPPER
          .readTree(RuleFixtures.text("rules/generic-order-created.json"));
      ((ObjectNode) body.get("data")).remove("id");
      var normalized = RuleFixtures.adapter("generic").normalize("generic", body);
      var ce = new io.hookgate.event.CloudEventFactory(RuleFixtures.MAPPER, RuleFixtures.CLOCK).toCloudEvent("x",
          "generic", normalized);
      RuleResult r = RuleFixtures.evaluate(rules, IncomingEvent.of(ce, RuleFixtures.MAPPER)).get(0);
      assertThat(r.outcome()).isEqualTo("error");
      assertThat(r.error()).contains("no subject");
    }
  }
}
