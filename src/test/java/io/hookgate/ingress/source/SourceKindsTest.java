package io.hookgate.ingress.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.AuthConfig;
import io.hookgate.config.ConfigException;
import io.hookgate.config.GenericMapping;
import io.hookgate.config.SourceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceKindsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void everyPlatformIsOneKindOfItsOwnName() {
    assertThat(SourceKinds.names()).containsExactly("aquarium", "generic", "isahit", "kili", "v7");
    assertThat(SourceKinds.find("kili")).get().extracting(k -> k.create(config("kili", null), MAPPER))
        .isInstanceOf(KiliSource.class);
    assertThat(SourceKinds.find("v7")).get().extracting(k -> k.create(config("v7", null), MAPPER))
        .isInstanceOf(V7Source.class);
    assertThat(SourceKinds.find("labelbox")).isEmpty();
    assertThat(SourceKinds.find(null)).isEmpty();
  }

  @Test
  void theGenericKindNeedsAnEventTypePointerAndValidPointers() {
    SourceKind generic = SourceKinds.find("generic").orElseThrow();
    generic.validate("sources.acme", config("generic", new GenericMapping("/type", "/data/project", null, null)));
    assertThat(generic.create(config("generic", new GenericMapping("/type", null, null, null)), MAPPER))
        .isInstanceOf(GenericSource.class);
    assertThatThrownBy(() -> generic.validate("sources.acme", config("generic", null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'sources.acme.mapping.eventType': is required for a generic source"
            + " (a JSON pointer such as /type)");
    assertThatThrownBy(() -> generic.validate("sources.acme",
        config("generic", new GenericMapping("/type", null, "id", null))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'sources.acme.mapping.deliveryId': must be a JSON pointer starting with '/'"
            + " (got 'id')");
  }

  @Test
  void theOtherKindsNeedNothingMoreThanEverySource() {
    for (String name : SourceKinds.names()) {
      if (!name.equals("generic")) {
        SourceKinds.find(name).orElseThrow().validate("sources." + name, config(name, null));
      }
    }
  }

  private static SourceConfig config(String kind, GenericMapping mapping) {
    return new SourceConfig(kind, new AuthConfig("none", null, null, null, List.of(), null), null, mapping);
  }
}
