package io.hookgate.actions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hookgate.event.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of the action topics: {@link ActionRecord} as JSON with instants as ISO-8601 strings
 * ({@code "2025-01-31T10:00:00Z"}). Reading is lenient: unknown fields are ignored (so that writers may add
 * some) and instants may also be epoch seconds.
 *
 * <p>A forward action's body (the whole CloudEvent) is read as {@link RawJson}: its bytes are located in the
 * record and kept, not built into a tree, since they are only ever written out again (to the target, or to
 * the retry and dead-letter topics). Other kinds' bodies, small and inspected by the caller, are trees.
 */
public final class ActionCodec {
  /** Reader attribute: the record value being read, whose byte ranges {@link BodyDeserializer} keeps. */
  private static final String INPUT = "hookgate.action-record-input";
  private static final String FORWARD = "forward";
  private static final String BODY = "body";
  private static final byte[] NULL = "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final ObjectMapper mapper;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  public ActionCodec() {
    this.mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
    // Built once: mapper.readValue/writeValueAsBytes look the (de)serializer up in a shared cache per call.
    this.reader = mapper.readerFor(ActionRecord.class);
    this.writer = mapper.writerFor(ActionRecord.class);
  }

  /** The mapper configured as above, for other JSON that carries instants (delivery status). */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Parses a record value; throws IllegalArgumentException with a short reason when it is not an action. */
  public ActionRecord read(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("empty record value");
    }
    ActionRecord action;
    try {
      action = readFast(value);
      if (action == null) {
        action = reader.withAttribute(INPUT, value).readValue(value);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not an action record: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("not an action record: " + e.getMessage());
    }
    if (action == null || action.id() == null || action.id().isBlank()) {
      throw new IllegalArgumentException("action record without an id");
    }
    if (action.target() == null || action.target().isBlank()) {
      throw new IllegalArgumentException("action record without a target");
    }
    try {
      return treesUnlessForward(action);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("not an action record: its body is not JSON");
    }
  }

  /**
   * The common case: the top-level {@code body} object is located with Jackson's streaming parser
   * ({@link TopLevelScan}), which checks it is JSON while skipping it, and databind reads the rest of the record
   * with the body replaced by {@code null}, so no tree of the body is built. Returns null when the record is not
   * laid out as expected (no such member, not JSON), for the general path, which says what is wrong.
   */
  private ActionRecord readFast(byte[] value) throws IOException {
    long range = TopLevelScan.objectMember(value, BODY);
    if (range < 0) {
      return null;
    }
    int start = (int) (range >>> 32);
    int end = (int) range;
    byte[] rest = new byte[value.length - (end - start) + 4];
    System.arraycopy(value, 0, rest, 0, start);
    System.arraycopy(NULL, 0, rest, start, 4);
    System.arraycopy(value, end, rest, start + 4, value.length - end);
    ActionRecord a = reader.withAttribute(INPUT, rest).readValue(rest);
    if (a == null) {
      return null;
    }
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), RawJson.node(java.util.Arrays.copyOfRange(value, start, end)),
        a.then(), a.attempt(), a.createdAt(), a.notBefore(), a.lastError(), a.trace(), a.resentAt());
  }

  /** Parses the raw bodies of actions that are not forwards (theirs are small, and callers look inside). */
  private ActionRecord treesUnlessForward(ActionRecord a) {
    boolean rawBody = RawJson.bytes(a.body()).isPresent() && !FORWARD.equalsIgnoreCase(a.kind());
    List<ActionRecord> then = a.then();
    List<ActionRecord> thenRead = then;
    for (int i = 0; i < then.size(); i++) {
      ActionRecord next = treesUnlessForward(then.get(i));
      if (next != then.get(i)) {
        if (thenRead == then) {
          thenRead = new ArrayList<>(then);
        }
        thenRead.set(i, next);
      }
    }
    if (!rawBody && thenRead == then) {
      return a;
    }
    JsonNode body = rawBody ? RawJson.tree(a.body(), mapper) : a.body();
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), body, thenRead, a.attempt(), a.createdAt(), a.notBefore(),
        a.lastError(), a.trace(), a.resentAt());
  }

  public byte[] write(ActionRecord action) {
    try {
      return writer.writeValueAsBytes(action);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same action at the same attempt, not to run before {@code notBefore} (a deferral, not a retry). */
  public static ActionRecord deferred(ActionRecord a, Instant notBefore) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), a.attempt(), a.createdAt(), notBefore,
        a.lastError(), a.trace(), a.resentAt());
  }

  /** The same action with its last error set (for the dead-letter topic). */
  public static ActionRecord failed(ActionRecord a, String lastError) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), a.attempt(), a.createdAt(), null,
        lastError, a.trace(), a.resentAt());
  }

  /** A {@code then} action as emitted: first attempt, created now unless the rule said when. */
  public static ActionRecord fresh(ActionRecord a, Instant now) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), Math.max(1, a.attempt()),
        a.createdAt() == null ? now : a.createdAt(), null, null, a.trace());
  }

  /**
   * {@link ActionRecord#body()} as read by {@link #read(byte[])}: an object or array is kept as the raw bytes
   * of the record value (still tokenized, so malformed JSON fails as before); scalars, and any read without
   * the record value at hand, give a tree as Jackson's own deserializer would.
   */
  static final class BodyDeserializer extends JsonDeserializer<JsonNode> {
    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (ctxt.getAttribute(INPUT) instanceof byte[] input) {
        JsonNode raw = RawJson.capture(p, input);
        if (raw != null) {
          return raw;
        }
      }
      return ctxt.readTree(p);
    }

    /** {@code "body": null}, as Jackson's own JsonNode deserializer reads it. */
    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
      return NullNode.getInstance();
    }

    /** No {@code body} member at all: no body, as Jackson's own JsonNode deserializer reads it. */
    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
      return null;
    }
  }
}
