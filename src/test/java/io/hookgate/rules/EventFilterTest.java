package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.subscriptions.SubscriptionFilter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A filter's meaning, shared by subscriptions, the live tail and the dry-run, on events made as the gateway makes
 * them: each field refuses what is outside it, absent fields pass everything, and the dry-run's expression shows
 * any value.
 */
class EventFilterTest {
  private static FilterExpressions expressions;
  private static TopicEvent kili;

  @BeforeAll
  static void compileOnce() {
    expressions = new FilterExpressions();
    kili = new TopicEvent(RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json", "ev-1"));
  }

  private static EventFilter filter(List<String> sources, List<String> projects, List<String> batches,
      List<String> types, String match) {
    return EventFilter.compile(new SubscriptionFilter(sources, projects, batches, types, match), expressions,
        "filter.match");
  }

  @Test
  void eachFieldRefusesWhatIsOutsideItAndAnAbsentFieldPassesEverything() {
    String project = kili.projectId();
    assertThat(filter(null, null, null, null, null).explain(kili).matched()).isTrue();
    assertThat(filter(List.of("kili"), List.of(project), null, List.of("labeling.label.*"), "true").matches(kili))
        .isTrue();
    assertThat(filter(List.of("v7"), null, null, null, null).explain(kili).refusedBy()).isEqualTo("sources");
    assertThat(filter(null, List.of("p-other"), null, null, null).explain(kili).refusedBy()).isEqualTo("projects");
    assertThat(filter(null, null, List.of("b-1"), null, null).explain(kili).refusedBy()).isEqualTo("batches");
    assertThat(filter(null, null, null, List.of("labeling.item.*"), null).explain(kili).refusedBy())
        .isEqualTo("types");
    assertThat(filter(null, null, null, List.of(), null).matches(kili)).isFalse();
    EventFilter.Verdict no = filter(null, null, null, null, "event.data.annotations.size() > 5").explain(kili);
    assertThat(no.refusedBy()).isEqualTo("match");
    assertThat(no.value().asBoolean()).isFalse();
  }

  @Test
  void aRecordsHeadersAndKeyRefuseWithoutDecodingButNeverPassAnEventTheFilterWouldRefuse() {
    EventFilter project = filter(null, List.of("p-1"), null, null, null);
    assertThat(project.refusedAtSight("/sources/kili", "labeling.label.submitted", "p-2")).isTrue();
    // The key is the project only when the event has one: a matching key still needs the event to be read.
    assertThat(project.refusedAtSight("/sources/kili", "labeling.label.submitted", "p-1")).isFalse();
    EventFilter source = filter(List.of("v7"), null, null, null, null);
    assertThat(source.refusedAtSight("/sources/kili", null, null)).isTrue();
    assertThat(source.refusedAtSight("/other", null, null)).isFalse();
    EventFilter type = filter(null, null, null, List.of("labeling.label.*"), null);
    assertThat(type.refusedAtSight(null, "labeling.item.completed", null)).isTrue();
    assertThat(type.refusedAtSight(null, "labeling.label.reviewed", null)).isFalse();
    assertThat(filter(null, null, null, null, null).refusedAtSight(null, "hookgate.subscription.created", null))
        .isTrue();
  }

  @Test
  void aRecordIsRefusedAtSightByItsCeHeadersAndKey() {
    EventFilter project = filter(List.of("kili"), List.of("p-1"), null, null, null);
    assertThat(project.refusedAtSight(record("/sources/kili", "p-2"))).isTrue();
    assertThat(project.refusedAtSight(record("/sources/v7", "p-1"))).isTrue();
    assertThat(project.refusedAtSight(record("/sources/kili", "p-1"))).isFalse();
    assertThat(project.refusedAtSight(new ConsumerRecord<>("events", 0, 0L, null, new byte[0]))).isFalse();
  }

  private static ConsumerRecord<String, byte[]> record(String source, String key) {
    ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("events", 0, 0L, key, new byte[0]);
    r.headers().add("ce_source", source.getBytes(StandardCharsets.UTF_8));
    r.headers().add("ce_type", "labeling.label.submitted".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void theDryRunsExpressionShowsAnyValueAndAnEventItFailsOnIsAnErrorNotAMatch() {
    EventFilter.Verdict count = EventFilter.expression("event.data.annotations.size()", expressions, "match")
        .explain(kili);
    assertThat(count.matched()).isFalse();
    assertThat(count.value().asInt()).isEqualTo(3);
    assertThat(count.error()).isNull();
    EventFilter.Verdict missing = EventFilter.expression("event.data.nope == 1", expressions, "match").explain(kili);
    assertThat(missing.matched()).isFalse();
    assertThat(missing.error()).contains("nope");
    assertThat(EventFilter.expression("event.data.nope == 1", expressions, "match").matches(kili)).isFalse();
    assertThatThrownBy(() -> filter(null, null, null, null, "event.data.annotations.size()"))
        .hasMessageContaining("boolean");
    assertThatThrownBy(() -> EventFilter.expression("event.(", expressions, "match"))
        .hasMessageStartingWith("match ").hasMessageContaining("line 1, column");
  }

  @Test
  void theEventReadsAsOneLineOfStructuredJson() {
    String line = new String(kili.jsonLine(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(line).doesNotContain("\n").doesNotContain("\r").startsWith("{\"specversion\":\"1.0\"")
        .contains("\"id\":\"ev-1\"");
  }
}
