package io.hookgate.bench.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventIds;
import io.hookgate.event.RawJson;
import io.hookgate.ingress.source.KiliSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record hookgate's ingress writes for the benchmark's Kili webhook, made by hookgate's own classes (as
 * bench/run.sh's Bce scenario makes it), and copies of it for other event ids and projects: for the replay
 * benchmark, whose events topic is filled before any gateway runs.
 */
public final class EventTemplate {
  public static final String ID_HEADER = "ce_id";

  private final Header[] headers;
  private final int idIndex;
  private final ProjectSpots spots;
  private final Projects projects;

  private EventTemplate(ProducerRecord<String, byte[]> record) {
    this.headers = record.headers().toArray();
    int found = -1;
    for (int i = 0; i < headers.length; i++) {
      if (headers[i].key().equals(ID_HEADER)) {
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalStateException("hookgate's record has no " + ID_HEADER + " header");
    }
    this.idIndex = found;
    byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
    this.spots = new ProjectSpots(key, record.value(), headers);
    this.projects = new Projects(record.key());
  }

  /** The record of {@code body} (a usual Kili webhook) from a source named kili, for {@code topic}. */
  public static EventTemplate of(byte[] body, String topic) {
    ObjectMapper mapper = new ObjectMapper();
    var normalized = new KiliSource(mapper).normalizeUsual("kili", body, RawJson.node(body));
    if (normalized == null) {
      throw new IllegalArgumentException("the body is not a usual Kili webhook");
    }
    return new EventTemplate(new CloudEventFactory(mapper, Clock.systemUTC())
        .toRecord(topic, EventIds.fromBody("kili", body), "kili", normalized, null, body));
  }

  public Projects projects() {
    return projects;
  }

  /** The event {@code id} of project {@code project}, for {@code topic}. */
  public ProducerRecord<byte[], byte[]> record(String topic, String id, int project) {
    byte[] p = projects.id(project).getBytes(StandardCharsets.UTF_8);
    Header[] own = headers.clone();
    spots.headers(own, p);
    own[idIndex] = new RecordHeader(ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, null, spots.key(p), spots.value(p), new RecordHeaders(own));
  }
}
