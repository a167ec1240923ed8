package io.hookgate.ingress.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.ingress.InvalidPayloadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Fixtures as mutable JSON trees, and the assertion that a body is refused naming a field. */
final class SourceFixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private SourceFixtures() {
  }

  static ObjectNode fixture(String name) {
    try (InputStream in = SourceFixtures.class.getResourceAsStream("/fixtures/" + name)) {
      return (ObjectNode) MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts the body is refused and the refusal names {@code field}, in the exception and in its message. */
  static InvalidPayloadException assertRefused(WebhookSource source, JsonNode body, String field) {
    InvalidPayloadException e = catchThrowableOfType(InvalidPayloadException.class,
        () -> source.normalize("src", body));
    assertThat(e).as("refusal of %s", body).isNotNull();
    assertThat(e.field()).isEqualTo(field);
    if (!field.isEmpty()) {
      assertThat(e.getMessage()).contains("'" + field + "'");
    }
    return e;
  }
}
