package io.hookgate.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.kafka.HeaderText;
import io.hookgate.rules.EventFilter;
import io.hookgate.rules.TopicEvent;
import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record of the events topic as streams see it: decoded on first use and then kept, however many streams'
 * filters ask about it. A record that is not a CloudEvent, or whose data is not the JSON its content type
 * says, passes no filter: no stream gets it, but it still moves every stream's position.
 */
final class RecordView {
  private static final Logger LOG = LoggerFactory.getLogger(RecordView.class);

  private final ConsumerRecord<String, byte[]> record;
  private final ObjectMapper mapper;
  private static final int SOURCE = 0;
  private static final int TYPE = 1;
  private String[] headers;
  private TopicEvent event;
  private byte[] line;
  private boolean unreadable;
  private String headId;
  private Buffer headMessage;

  RecordView(ConsumerRecord<String, byte[]> record, ObjectMapper mapper) {
    this.record = record;
    this.mapper = mapper;
  }

  /**
   * Whether the event passes {@code filter} (null: every event) and can be written. The record's headers and key
   * are looked at first: most streams follow a project, source or type, and most events are refused without
   * being decoded.
   */
  boolean passes(EventFilter filter) {
    if (filter != null && filter.refusedAtSight(header(SOURCE), header(TYPE), record.key())) {
      return false;
    }
    if (!readable()) {
      return false;
    }
    return filter == null || filter.matches(event);
  }

  private String header(int which) {
    if (headers == null) {
      headers = new String[] {HeaderText.last(record.headers(), "ce_source"),
          HeaderText.last(record.headers(), "ce_type")};
    }
    return headers[which];
  }

  /** The event as one line of structured-mode JSON; call after {@link #passes} said yes. */
  byte[] line() {
    if (line == null && readable()) {
      try {
        line = event.jsonLine();
      } catch (IllegalArgumentException e) {
        unreadable(e);
        return null;
      }
    }
    return line;
  }

  /** The event's SSE message for the following streams, its id the head's; made once however many take it. */
  Buffer headMessage(long[] head) {
    if (headMessage == null) {
      headId = StreamPosition.format(head);
      headMessage = SseMessages.event(headId, line());
    }
    return headMessage;
  }

  /** The id of {@link #headMessage}. */
  String headId() {
    return headId;
  }

  private boolean readable() {
    if (event == null && !unreadable) {
      try {
        event = TopicEvent.read(record, mapper);
      } catch (IllegalArgumentException e) {
        unreadable(e);
      }
    }
    return !unreadable;
  }

  private void unreadable(Exception e) {
    unreadable = true;
    LOG.warn("Live tail: record {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
        e.getMessage());
  }
}
