package io.hookgate.tail;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The Server-Sent Events a stream writes (WHATWG HTML, "Server-sent events"): events as default messages with
 * an {@code id} and one {@code data} line, comments, and the {@code id}-only message that moves a client's
 * last event id without an event (a browser's {@code EventSource} takes it; clients that ignore it only read a
 * few more events that do not match their filter when they reconnect).
 */
final class SseMessages {
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private SseMessages() {
  }

  /** An event: its position as {@code id}, the event's JSON (one line) as {@code data}. */
  static Buffer event(String id, byte[] jsonLine) {
    return Buffer.buffer(ID.length + id.length() + DATA.length + jsonLine.length + END.length)
        .appendBytes(ID).appendString(id).appendBytes(DATA).appendBytes(jsonLine).appendBytes(END);
  }

  /** A comment, which clients ignore; line breaks in {@code text} are made spaces. */
  static String comment(String text) {
    return ": " + text.replace('\r', ' ').replace('\n', ' ') + "\n";
  }

  /** A message with only an {@code id}: no event, but the client's last event id is {@code id}. */
  static String idOnly(String id) {
    return "id: " + id + "\n\n";
  }

  /** The first message: what this is, how soon to reconnect, and where the stream starts. */
  static Buffer start(String topic, long retryMillis, String id, Iterable<String> notes) {
    StringBuilder out = new StringBuilder(comment("hookgate live tail of " + topic));
    notes.forEach(n -> out.append(comment(n)));
    out.append("retry: ").append(retryMillis).append('\n').append("id: ").append(id).append("\n\n");
    return Buffer.buffer(out.toString());
  }

  /** The heartbeat: a comment, with the client's position when it moved since the last id it was sent. */
  static Buffer heartbeat(String movedTo) {
    return Buffer.buffer(movedTo == null ? ": keep-alive\n\n" : ": keep-alive\n" + idOnly(movedTo));
  }

  /**
   * The last message to a client too slow for its buffer: a comment for people and line readers, and an event
   * named {@code too-slow} for an {@code EventSource}'s listener (its {@code onmessage} does not get it).
   */
  static Buffer tooSlow(long bufferBytes) {
    String detail = "this client read too slowly: more than " + bufferBytes + " bytes waited for it; reconnect with "
        + "Last-Event-ID to continue where it stopped";
    return Buffer.buffer(comment(detail) + "event: too-slow\ndata: {\"reason\":\"too_slow\",\"detail\":\"" + detail
        + "\"}\n\n");
  }

  /** The last message when the gateway stops. */
  static Buffer shuttingDown() {
    return Buffer.buffer(comment("the gateway is shutting down; reconnect with Last-Event-ID to continue"));
  }
}
