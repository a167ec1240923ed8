package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.actions.ActionRecord;
import io.hookgate.event.RawJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEvaluationTest {
  private static final IncomingEvent KILI = RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json",
      "evt-1");
  private static final IncomingEvent ISAHIT = RuleFixtures.event("isahit", "isahit-eu",
      "rules/isahit-annotation-done.json", "evt-2");

  @Test
  void scopeIsGlobalPerSourceOrPerProject() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - { name: everywhere, actions: [ { target: t, kind: http } ] }
          - { name: global-word, scope: global, actions: [ { target: t, kind: http } ] }
          - { name: kili-only, scope: { sources: [kili] }, actions: [ { target: t, kind: http } ] }
          - { name: isahit-only, scope: { sources: [isahit-eu] }, actions: [ { target: t, kind: http } ] }
          - { name: on-project, scope: { projects: [clfcblkni05pq0jrq8wgib142] }, actions: [ { target: t, kind: http } ] }
          - { name: other-project, scope: { projects: [another] }, actions: [ { target: t, kind: http } ] }
          - name: kili-and-project
            scope: { sources: [kili], projects: [clfcblkni05pq0jrq8wgib142] }
            actions: [ { target: t, kind: http } ]
          - name: isahit-and-kili-project
            scope: { sources: [isahit-eu], projects: [clfcblkni05pq0jrq8wgib142] }
            actions: [ { target: t, kind: http } ]
        """);
    assertThat(RuleFixtures.evaluate(rules, KILI)).extracting(RuleResult::rule)
        .containsExactly("everywhere", "global-word", "kili-only", "on-project", "kili-and-project");
    assertThat(RuleFixtures.evaluate(rules, ISAHIT)).extracting(RuleResult::rule)
        .containsExactly("everywhere", "global-word", "isahit-only");
  }

  @Test
  void forEachGivesOneActionPerElementChainedInOrderThroughThen() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: per-box
            match: event.type == 'labeling.label.submitted'
            values:
              boxes: event.data.annotations.filter(a, a.kind == 'bounding_box')
              big: boxes.filter(b, b.areaRatio > params.ratio)
            params: { ratio: 0.009 }
            actions:
              - target: a
                kind: http
                forEach: big
                as: box
                path: /boxes/{{ box.id }}
                body: "{'mid': box.id, 'area': box.areaRatio}"
              - target: b
                kind: http
                method: put
                when: size(big) > 0
                path: /labels/{{ event.data.labelId }}
                body: "{'count': size(big)}"
        """);
    List<RuleResult> results = RuleFixtures.evaluate(rules, KILI);
    assertThat(results).hasSize(1);
    RuleResult r = results.get(0);
    assertThat(r.outcome()).isEqualTo("matched");
    assertThat(r.emitted()).isEqualTo(3);
    // One record on the topic; the rest only after it succeeds, one after the other.
    assertThat(r.actions()).hasSize(1);
    ActionRecord first = r.actions().get(0);
    ActionRecord second = first.then().get(0);
    ActionRecord third = second.then().get(0);
    assertThat(third.then()).isEmpty();
    assertThat(List.of(first, second, third)).extracting(ActionRecord::id)
        .containsExactly("evt-1:per-box:0", "evt-1:per-box:1", "evt-1:per-box:2");
    assertThat(first.path()).isEqualTo("/boxes/20221124161451411-13314");
    assertThat(first.body().toString()).isEqualTo("{\"mid\":\"20221124161451411-13314\",\"area\":0.3551}");
    assertThat(second.path()).isEqualTo("/boxes/20221124161459298-45160");
    assertThat(second.body().path("area").asDouble()).isEqualTo(0.0108);
    assertThat(third.target()).isEqualTo("b");
    assertThat(third.method()).isEqualTo("PUT");
    assertThat(third.path()).isEqualTo("/labels/clfcblncs0h550js5golxg96s");
    assertThat(third.body().toString()).isEqualTo("{\"count\":2}");
    assertThat(first.eventId()).isEqualTo("evt-1");
    assertThat(first.eventType()).isEqualTo("labeling.label.submitted");
    assertThat(first.source()).isEqualTo("kili");
    assertThat(first.projectId()).isEqualTo("clfcblkni05pq0jrq8wgib142");
    assertThat(first.rule()).isEqualTo("per-box");
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.createdAt()).isEqualTo(RuleFixtures.NOW);
  }

  @Test
  void independentOrderingEmitsEveryActionAtOnce() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: fan-out
            ordering: independent
            actions:
              - { target: a, kind: http, forEach: "[1, 2]", body: "{'n': item}" }
              - { target: b, kind: slack, body: "{'text': 'done'}" }
        """);
    RuleResult r = RuleFixtures.evaluate(rules, KILI).get(0);
    assertThat(r.actions()).extracting(ActionRecord::id)
        .containsExactly("evt-1:fan-out:0", "evt-1:fan-out:1", "evt-1:fan-out:2");
    assertThat(r.actions()).allSatisfy(a -> assertThat(a.then()).isEmpty());
    assertThat(r.actions()).extracting(ActionRecord::target).containsExactly("a", "a", "b");
  }

  @Test
  void sameEventSameActionsSameIds() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("kili.yaml"));
    JsonNode once = RuleFixtures.json(RuleFixtures.evaluate(rules, KILI).get(0).actions());
    JsonNode again = RuleFixtures.json(RuleFixtures.evaluate(rules,
        RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json", "evt-1")).get(0).actions());
    assertThat(again).isEqualTo(once);
  }

  @Test
  void aFailingExpressionIsThatRulesErrorOnlyAndNotMatchedIsReported() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: needs-a-missing-key
            actions: [ { target: t, kind: http, body: "{'x': event.data.noSuchField}" } ]
          - name: not-for-me
            match: event.type == 'something.else'
            actions: [ { target: t, kind: http } ]
          - name: fine
            actions: [ { target: t, kind: http, body: "{'label': event.data.labelId}" } ]
        """);
    List<RuleResult> results = RuleFixtures.evaluate(rules, KILI);
    assertThat(results).extracting(RuleResult::outcome).containsExactly("error", "not_matched", "matched");
    assertThat(results.get(0).error()).contains("noSuchField");
    assertThat(results.get(0).actions()).isEmpty();
    assertThat(results.get(2).actions()).hasSize(1);
  }

  @Test
  void templateValuesCannotEscapeTheirPathSegment() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: p
            actions:
              - target: t
                kind: http
                path: /a/{{ params.nasty }}/{{ params.dots }}/b
                headers: { X-Label: "label {{ event.data.labelId }}" }
            params: { nasty: "x/../y?z#w é", dots: ".." }
        """);
    ActionRecord a = RuleFixtures.evaluate(rules, KILI).get(0).actions().get(0);
    assertThat(a.path()).isEqualTo("/a/x%2F..%2Fy%3Fz%23w%20%C3%A9/%2E%2E/b");
    assertThat(a.headers()).containsEntry("X-Label", "label clfcblncs0h550js5golxg96s");
    assertThat(a.method()).isEqualTo("POST");
  }

  @Test
  void celSeesTheCloudEventAttributesExtensionsAndData() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: everything
            actions:
              - target: t
                kind: http
                body: |-
                  {'id': event.id, 'type': event.type, 'source': event.source, 'sourceName': event.sourceName,
                   'subject': event.subject, 'platform': event.extensions.platform,
                   'platformevent': event.extensions.platformevent, 'spec': event.specversion,
                   'count': event.data.annotationCounts['JOB_0.OBJECT_A'],
                   'author': event.data.?author.?email.orValue('nobody'),
                   'mids': event.data.annotations.map(a, a.id).join(',')}
        """);
    JsonNode body = RuleFixtures.evaluate(rules, KILI).get(0).actions().get(0).body();
    assertThat(body.toString()).isEqualTo("{\"id\":\"evt-1\",\"type\":\"labeling.label.submitted\","
        + "\"source\":\"/sources/kili\",\"sourceName\":\"kili\",\"subject\":\"clfcblmgn0h4y0js5b2yy7qvx\","
        + "\"platform\":\"kili\",\"platformevent\":\"onSubmit\",\"spec\":\"1.0\",\"count\":3,"
        + "\"author\":\"labeler@example.com\","
        + "\"mids\":\"20221124161451411-13314,20221124161456406-47055,20221124161459298-45160\"}");
  }

  @Test
  void forwardCarriesTheEventAsAStructuredCloudEvent() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - { name: fwd, actions: [ { target: subscriber, kind: forward } ] }
        """);
    ActionRecord a = RuleFixtures.evaluate(rules, ISAHIT).get(0).actions().get(0);
    assertThat(a.kind()).isEqualTo("forward");
    JsonNode body = RawJson.tree(a.body(), RuleFixtures.MAPPER);
    assertThat(body.path("specversion").asText()).isEqualTo("1.0");
    assertThat(body.path("id").asText()).isEqualTo("evt-2");
    assertThat(body.path("type").asText()).isEqualTo("labeling.task.completed");
    assertThat(body.path("source").asText()).isEqualTo("/sources/isahit-eu");
    assertThat(body.path("data").path("taskId").asText()).isEqualTo("task_91b0e4");
    assertThat(body.path("platform").asText()).isEqualTo("isahit");
  }

  @Test
  void aForwardOnlyRuleSetFindsTheProjectWithoutParsingTheData() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - { name: fwd, actions: [ { target: subscriber, kind: forward } ] }
        """);
    String fixture = "rules/isahit-annotation-done.json";
    ActionRecord a = RuleFixtures.evaluate(rules, RuleFixtures.event("isahit", "isahit-eu", fixture, "evt-3"))
        .get(0).actions().get(0);
    String parsed = RuleFixtures.event("isahit", "isahit-eu", fixture, "evt-3").event().projectId();
    assertThat(parsed).isNotBlank();
    assertThat(a.projectId()).isEqualTo(parsed);
    assertThat(a.source()).isEqualTo("isahit-eu");
  }

  @Test
  void aRunawayForEachIsAnErrorNotAGiantChain() {
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - { name: runaway, actions: [ { target: t, kind: http, forEach: "lists.range(101)", body: "{'n': item}" } ] }
          - { name: bounded, actions: [ { target: t, kind: http, forEach: "lists.range(100)", body: "{'n': item}" } ] }
        """);
    List<RuleResult> results = RuleFixtures.evaluate(rules, KILI);
    assertThat(results.get(0).outcome()).isEqualTo("error");
    assertThat(results.get(0).error()).contains("101 actions");
    assertThat(results.get(1).emitted()).isEqualTo(100);
  }
}
