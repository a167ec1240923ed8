package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.hookgate.actions.ActionCodec;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.GenericMapping;
import io.hookgate.config.RuleConfig;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.ingress.source.AquariumSource;
import io.hookgate.ingress.source.GenericSource;
import io.hookgate.ingress.source.IsahitSource;
import io.hookgate.ingress.source.KiliSource;
import io.hookgate.ingress.source.V7Source;
import io.hookgate.ingress.source.WebhookSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Events made the way the gateway makes them (the real source adapters and CloudEvent factory), and rules
 * read the way the gateway reads them (the real config loader).
 */
final class RuleFixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Instant NOW = Instant.parse("2024-12-17T15:10:37.619Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private RuleFixtures() {
  }

  static String text(String resource) {
    try (InputStream in = RuleFixtures.class.getResourceAsStream("/fixtures/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The canonical event the gateway would publish for this fixture posted to source {@code sourceName}. */
  static IncomingEvent event(String kind, String sourceName, String fixture, String id) {
    try {
      return event(kind, sourceName, MAPPER.readTree(text(fixture)), id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event of a body given as a tree (a fixture changed by the test). */
  static IncomingEvent event(String kind, String sourceName, JsonNode body, String id) {
    try {
      CloudEvent ce = new CloudEventFactory(MAPPER, CLOCK).toCloudEvent(id, sourceName,
          adapter(kind).normalize(sourceName, body));
      return IncomingEvent.of(ce, MAPPER);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static WebhookSource adapter(String kind) {
    return switch (kind) {
      case "kili" -> new KiliSource(MAPPER);
      case "v7" -> new V7Source();
      case "aquarium" -> new AquariumSource();
      case "isahit" -> new IsahitSource();
      case "generic" -> new GenericSource(new GenericMapping("/type", "/data/projectId", null, "/data/id"));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** The rules of an example config, loaded as a whole config (so the example is checked too). */
  static List<RuleConfig> example(String name) {
    return new ConfigLoader(Map.of()).load(Path.of("conf", "examples", name)).rules();
  }

  /** An example config's YAML after {@code edit} changed its tree (e.g. targets pointed at a local server). */
  static String exampleYaml(String name,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) {
    try {
      var yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) yaml
          .readTree(Path.of("conf", "examples", name).toFile());
      edit.accept(tree);
      return yaml.writeValueAsString(tree);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Rules from a YAML {@code rules:} block. */
  static List<RuleConfig> rules(String yaml) {
    return new ConfigLoader(Map.of()).loadYaml(yaml).rules();
  }

  static RuleSet compile(String yaml) {
    return new RuleCompiler().compile(rules(yaml));
  }

  static List<RuleResult> evaluate(RuleSet rules, IncomingEvent event) {
    return rules.evaluate(event, MAPPER, NOW);
  }

  /** The records as they are written to the actions topic. */
  static JsonNode json(Object records) {
    try {
      ActionCodec codec = new ActionCodec();
      if (records instanceof List<?> list) {
        var array = MAPPER.createArrayNode();
        for (Object r : list) {
          array.add(MAPPER.readTree(codec.write((io.hookgate.actions.ActionRecord) r)));
        }
        return array;
      }
      return MAPPER.readTree(codec.write((io.hookgate.actions.ActionRecord) records));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
