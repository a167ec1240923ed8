package io.hookgate.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.rw.CloudEventContextWriter;
import io.cloudevents.rw.CloudEventRWException;
import io.hookgate.event.RawJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a CloudEvent in the JSON event format (structured mode) as the SDK's {@code JsonFormat} does, but
 * without its per-event costs: {@code new JsonFormat()} builds an ObjectMapper, its content-type check is a
 * regular expression, and it copies JSON data through a {@code String} and a {@code char[]} before writing
 * it. Here JSON data bytes go into the output as they are. The attributes and extensions are the SDK's own
 * (read with {@link CloudEventUtils#toContextReader}, written in its order and types); tests compare the
 * result with {@code JsonFormat}'s for every kind of data.
 */
final class StructuredEvent {
  private final JsonFactory factory;

  StructuredEvent(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * The event as structured JSON: JSON data in place (the caller checked that it is JSON), any other data
   * base64-encoded as {@code data_base64}, as the SDK writes it by default.
   */
  byte[] write(CloudEvent event) {
    byte[] data = event.getData() == null ? null : event.getData().toBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (data == null ? 0 : data.length));
    try (JsonGenerator gen = factory.createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("specversion", event.getSpecVersion().toString());
      CloudEventUtils.toContextReader(event).readContext(new Attributes(gen));
      if (data != null) {
        if (isJsonContentType(event.getDataContentType())) {
          gen.writeFieldName("data");
          RawJson.write(gen, data);
        } else {
          gen.writeFieldName("data_base64");
          gen.writeBinary(data);
        }
      }
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The SDK's test for JSON data, {@code ^(application|text)/([a-zA-Z]+\+)?json(;.*)*$} or no content type at
   * all, without a regular expression.
   */
  static boolean isJsonContentType(String contentType) {
    if (contentType == null) {
      return true;
    }
    int semicolon = contentType.indexOf(';');
    String media = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    String subtype;
    if (media.startsWith("application/")) {
      subtype = media.substring("application/".length());
    } else if (media.startsWith("text/")) {
      subtype = media.substring("text/".length());
    } else {
      return false;
    }
    if (subtype.equals("json")) {
      return true;
    }
    int plus = subtype.indexOf('+');
    if (plus <= 0 || !subtype.substring(plus + 1).equals("json")) {
      return false;
    }
    for (int i = 0; i < plus; i++) {
      char c = subtype.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  /** Attributes and extensions as JSON members; URIs, times and bytes arrive as strings (the SDK's defaults). */
  private record Attributes(JsonGenerator gen) implements CloudEventContextWriter {
    private interface Write {
      void run() throws IOException;
    }

    private CloudEventContextWriter member(Write write) {
      try {
        write.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    @Override
    public CloudEventContextWriter withContextAttribute(String name, String value) throws CloudEventRWException {
      return member(() -> gen.writeStringField(name, value));
    }

    @Override
    public CloudEventContextWriter withContextAttribute(String name, Integer value) throws CloudEventRWException {
      return member(() -> gen.writeNumberField(name, value));
    }

    /** As the SDK: an Integer is a JSON number, any other Number its text. */
    @Override
    public CloudEventContextWriter withContextAttribute(String name, Number value) throws CloudEventRWException {
      return value instanceof Integer i ? withContextAttribute(name, i) : withContextAttribute(name, value.toString());
    }

    @Override
    public CloudEventContextWriter withContextAttribute(String name, Boolean value) throws CloudEventRWException {
      return member(() -> gen.writeBooleanField(name, value));
    }
  }
}
