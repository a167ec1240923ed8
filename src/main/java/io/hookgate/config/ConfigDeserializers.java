package io.hookgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Jackson deserializers for the human forms of durations and sizes. */
final class ConfigDeserializers {
  private ConfigDeserializers() {
  }

  static String key(JsonParser p) {
    return p.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
  }

  static final class Dur extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Sizes.duration(key(p), p.getValueAsString());
    }
  }

  /** A list, or a comma-separated string (how an environment variable gives one: {@code 127.0.0.1,10.0.0.0/8}). */
  static final class CommaSeparated extends JsonDeserializer<List<String>> {
    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.START_ARRAY) {
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          out.add(p.getValueAsString());
        }
        return out;
      }
      String text = p.getValueAsString();
      return text == null || text.isBlank() ? List.of()
          : Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
  }

  static final class ByteSize extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Sizes.bytes(key(p), p.getValueAsString());
    }
  }
}
