package io.hookgate.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per log event, one per line, for {@code HOOKGATE_LOG_FORMAT=json}:
 *
 * <pre>{"time":"2025-01-31T10:00:00.123Z","level":"INFO","logger":"hookgate.access","thread":"vert.x-eventloop-thread-1",
 * "message":"POST /webhooks/kili 202","requestId":"...","source":"kili","status":202,"eventId":"..."}</pre>
 *
 * <p>The key-value pairs of SLF4J's fluent API ({@code addKeyValue}) and the MDC become top-level fields, so
 * that log tools filter on them directly ({@code | json | source="kili"} in Loki, {@code jsonPayload.source} in
 * Cloud Logging); logback's own {@code JsonEncoder} nests them in a list of one-entry objects, which such
 * tools cannot index. Numbers and booleans stay JSON numbers and booleans. A key that would overwrite one of
 * the fields above gets a trailing {@code _}. An exception is one {@code exception} string with its stack
 * trace, so the event stays on one line.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NEWLINE = {'\n'};
  static final Set<String> STANDARD = Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(event.getInstant().truncatedTo(ChronoUnit.MILLIS)));
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      Set<String> written = new HashSet<>(STANDARD);
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair kv : event.getKeyValuePairs()) {
          if (kv != null && kv.key != null) {
            write(json, field(kv.key, written), kv.value);
          }
        }
      }
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null) {
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          write(json, field(e.getKey(), written), e.getValue());
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write(NEWLINE, 0, 1);
    return out.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  /** The key as a field name that is not taken yet. */
  private static String field(String key, Set<String> written) {
    String name = key;
    while (!written.add(name)) {
      name = name + "_";
    }
    return name;
  }

  private static void write(JsonGenerator json, String name, Object value) throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigInteger i) {
      json.writeNumber(i);
    } else if (value instanceof BigDecimal d) {
      json.writeNumber(d);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        json.writeNumber(d);
      } else {
        json.writeString(Double.toString(d));
      }
    } else {
      json.writeString(value.toString());
    }
  }
}
