package io.hookgate.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A JSON value kept as the UTF-8 bytes it arrived as. A forwarded CloudEvent (~4 KB) travels from the events
 * topic through the actions topic to the subscriber's request body; as a tree it was parsed and written again
 * at every hop (a profile of the actions benchmark put Jackson at 60% of the gateway's CPU). As raw bytes it
 * is copied, never re-encoded, and the subscriber gets exactly the bytes hookgate signed.
 *
 * <p>The same holds for a webhook body: it becomes {@code data.original} as the sender's bytes
 * ({@link CloudEventFactory}).
 *
 * <p>It lives in a tree (an {@code ActionRecord}'s body, a {@code LabelingEvent}'s original) as a
 * {@link POJONode} (see {@link #node(byte[])}), so the JSON written is unchanged: the value is written in
 * place, as JSON, not as a string.
 */
public final class RawJson implements JsonSerializable {
  private final byte[] bytes;

  private RawJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A node holding these bytes, which must be one complete JSON value (the caller checked it, e.g. with
   * {@link JsonCheck#isSingleValue(byte[])}).
   */
  public static JsonNode node(byte[] json) {
    return new POJONode(new RawJson(json));
  }

  /** The raw bytes when the node is a {@link #node(byte[]) raw node}. */
  public static Optional<byte[]> bytes(JsonNode node) {
    return node instanceof POJONode p && p.getPojo() instanceof RawJson raw ? Optional.of(raw.bytes) : Optional.empty();
  }

  /** The node as a tree: raw nodes are parsed, others returned as they are (null stays null). */
  public static JsonNode tree(JsonNode node, ObjectMapper mapper) {
    Optional<byte[]> raw = bytes(node);
    if (raw.isEmpty()) {
      return node;
    }
    try {
      return mapper.readTree(raw.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the node is a JSON object, raw or not, without parsing a raw one. */
  public static boolean isObject(JsonNode node) {
    if (node == null) {
      return false;
    }
    Optional<byte[]> raw = bytes(node);
    if (raw.isEmpty()) {
      return node.isObject();
    }
    for (byte b : raw.get()) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b == '{';
      }
    }
    return false;
  }

  /**
   * Reads the value at the parser's current token as raw bytes of {@code input}, the array the parser reads
   * (offsets are taken from the parser), or returns null when it cannot (not a container, unknown offsets).
   * The value is still tokenized, so malformed JSON fails as it would otherwise.
   */
  public static JsonNode capture(JsonParser p, byte[] input) throws IOException {
    JsonToken token = p.currentToken();
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return null;
    }
    long start = p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long end = p.currentLocation().getByteOffset();
    if (start < 0 || end <= start || end > input.length
        || input[(int) start] != (token == JsonToken.START_OBJECT ? '{' : '[')
        || input[(int) end - 1] != (token == JsonToken.START_OBJECT ? '}' : ']')) {
      throw new IOException("could not locate a JSON value in the record (offsets " + start + ".." + end + ")");
    }
    return node(Arrays.copyOfRange(input, (int) start, (int) end));
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    write(gen, bytes);
  }

  /** Writes one complete JSON value given as UTF-8 bytes, in place (a UTF-8 generator copies the bytes). */
  public static void write(JsonGenerator gen, byte[] json) throws IOException {
    gen.writeRawValue(new Utf8(json));
  }

  @Override
  public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    WritableTypeId typeId = typeSer.writeTypePrefix(gen, typeSer.typeId(this, JsonToken.VALUE_EMBEDDED_OBJECT));
    serialize(gen, serializers);
    typeSer.writeTypeSuffix(gen, typeId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawJson other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The bytes as a {@link SerializableString} for {@link JsonGenerator#writeRawValue(SerializableString)}: the
   * UTF-8 generator copies them straight into its buffer, where a {@code String} would be decoded and encoded.
   */
  private record Utf8(byte[] bytes) implements SerializableString {
    @Override
    public String getValue() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return bytes;
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + bytes.length > buffer.length) {
        return -1;
      }
      System.arraycopy(bytes, 0, buffer, offset, bytes.length);
      return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String s = getValue();
      if (offset + s.length() > buffer.length) {
        return -1;
      }
      s.getChars(0, s.length(), buffer, offset);
      return s.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(bytes);
      return bytes.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (buffer.remaining() < bytes.length) {
        return -1;
      }
      buffer.put(bytes);
      return bytes.length;
    }
  }
}
