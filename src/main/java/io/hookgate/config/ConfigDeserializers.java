package io.hookgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;

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

  static final class ByteSize extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Sizes.bytes(key(p), p.getValueAsString());
    }
  }
}
