package io.hookgate.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cloudevents.CloudEvent;
import io.hookgate.kafka.HeaderText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C Trace Context (https://www.w3.org/TR/trace-context/) of the webhook request that caused an event:
 * its {@code traceparent} and, when there is one, {@code tracestate}. hookgate creates no spans of its own; it
 * carries the sender's context unchanged from the request to the event's Kafka record, to the actions the
 * rules derive from it (retries included), and to the outbound calls, so that a tracing backend links the
 * webhook and the calls it caused under one trace id.
 *
 * <p>Both values come from a client, so they are checked before they are carried anywhere: a
 * {@code traceparent} that is not valid is dropped together with its {@code tracestate} (as the
 * specification says), and a {@code tracestate} that is too long or not printable ASCII is dropped alone.
 *
 * @param traceparent {@code version-traceid-parentid-flags}, e.g.
 *     {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
 * @param tracestate vendor entries, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceContext(String traceparent, String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  /** The length the specification asks every participant to propagate at least; longer values are dropped. */
  static final int MAX_TRACESTATE = 512;
  /** Room for a future version's extra fields, but no more: the value is copied into every action. */
  static final int MAX_TRACEPARENT = 256;
  private static final Pattern VERSION_00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final Pattern FUTURE = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_PARENT = "0".repeat(16);

  /**
   * The context of a request's headers (all values of each, as received), or null when it has no valid
   * {@code traceparent}. Several {@code tracestate} headers are one list, joined with commas; several
   * {@code traceparent} headers are invalid.
   */
  public static TraceContext fromHeaders(List<String> traceparents, List<String> tracestates) {
    if (traceparents == null || traceparents.size() != 1) {
      return null;
    }
    String state = tracestates == null || tracestates.isEmpty() ? null : String.join(",", tracestates);
    return of(traceparents.get(0), state);
  }

  /** A checked context, or null when {@code traceparent} is absent or invalid. */
  public static TraceContext of(String traceparent, String tracestate) {
    String parent = traceparent == null ? null : traceparent.strip();
    if (!validTraceparent(parent)) {
      return null;
    }
    String state = tracestate == null ? null : tracestate.strip();
    return new TraceContext(parent, validTracestate(state) ? state : null);
  }

  /** From a Kafka record's {@code traceparent}/{@code tracestate} headers (the last of each), or null. */
  public static TraceContext fromKafka(Headers headers) {
    return of(HeaderText.last(headers, TRACEPARENT), HeaderText.last(headers, TRACESTATE));
  }

  /** From a CloudEvent's distributed-tracing extension attributes, or null. */
  public static TraceContext fromExtensions(CloudEvent event) {
    Object parent = event.getExtension(TRACEPARENT);
    Object state = event.getExtension(TRACESTATE);
    return of(parent == null ? null : parent.toString(), state == null ? null : state.toString());
  }

  /** This context checked again (it may have been read from a record another program wrote), or null. */
  public TraceContext validated() {
    return of(traceparent, tracestate);
  }

  /** The 32 hex digits that every span of the trace shares. */
  @JsonIgnore
  public String traceId() {
    return traceparent.substring(3, 35);
  }

  /** Adds (replacing) the two headers to a Kafka record's headers. */
  public void addTo(Headers headers) {
    headers.remove(TRACEPARENT);
    headers.remove(TRACESTATE);
    headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
    if (tracestate != null) {
      headers.add(TRACESTATE, tracestate.getBytes(StandardCharsets.UTF_8));
    }
  }

  static boolean validTraceparent(String value) {
    if (value == null || value.length() > MAX_TRACEPARENT) {
      return false;
    }
    // Version ff is forbidden; version 00 has exactly four fields; a later version may append fields.
    boolean shape = value.startsWith("00-") ? VERSION_00.matcher(value).matches()
        : !value.startsWith("ff-") && FUTURE.matcher(value).matches() && printable(value);
    return shape && !value.substring(3, 35).equals(ZERO_TRACE) && !value.substring(36, 52).equals(ZERO_PARENT);
  }

  static boolean validTracestate(String value) {
    return value != null && !value.isEmpty() && value.length() <= MAX_TRACESTATE && printable(value);
  }

  private static boolean printable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
