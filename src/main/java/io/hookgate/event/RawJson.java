package io.hookgate.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON document kept as the sender's UTF-8 bytes: {@code data.original} for a body read without a tree.
 * Written as is wherever the event is serialized, so {@code original} is the same whichever way the body was
 * read. The ingress splices the bytes into {@code data} directly ({@link CloudEventFactory}); this is for any
 * other writer of the event.
 */
public final class RawJson implements JsonSerializable {
  private final byte[] utf8;

  private RawJson(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** A tree node that serializes as the given JSON document, which must be valid JSON in UTF-8 without a BOM. */
  public static JsonNode node(byte[] utf8) {
    return new POJONode(new RawValue(new RawJson(utf8)));
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider provider) throws IOException {
    gen.writeRawValue(new String(utf8, StandardCharsets.UTF_8));
  }

  @Override
  public void serializeWithType(JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, provider);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson other && Arrays.equals(utf8, other.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
