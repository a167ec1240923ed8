package io.hookgate.actions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The wire format of the action topics: {@link ActionRecord} as JSON with instants as ISO-8601 strings
 * ({@code "2025-01-31T10:00:00Z"}). Reading is lenient: unknown fields are ignored (so that writers may add
 * some) and instants may also be epoch seconds.
 */
public final class ActionCodec {
  private final ObjectMapper mapper;

  public ActionCodec() {
    this.mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
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
      action = mapper.readValue(value, ActionRecord.class);
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
    return action;
  }

  public byte[] write(ActionRecord action) {
    try {
      return mapper.writeValueAsBytes(action);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same action at the same attempt, not to run before {@code notBefore} (a deferral, not a retry). */
  public static ActionRecord deferred(ActionRecord a, Instant notBefore) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), a.attempt(), a.createdAt(), notBefore,
        a.lastError());
  }

  /** The same action with its last error set (for the dead-letter topic). */
  public static ActionRecord failed(ActionRecord a, String lastError) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), a.attempt(), a.createdAt(), null,
        lastError);
  }

  /** A {@code then} action as emitted: first attempt, created now unless the rule said when. */
  public static ActionRecord fresh(ActionRecord a, Instant now) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), a.then(), Math.max(1, a.attempt()),
        a.createdAt() == null ? now : a.createdAt(), null, null);
  }
}
