package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.actions.ActionRecord;
import io.hookgate.config.RuleConfig;
import io.hookgate.rules.plugins.KiliGraphql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example configs in conf/examples, one per platform, on the seeds' payloads: the exact action records
 * each rule writes to the actions topic.
 */
class SeedRulesTest {
  /** graphql-core 3.2's print_ast of the Kili SDK's GQL_CREATE_ISSUES: what the SDK sends. */
  static final String KILI_CREATE_ISSUES = "mutation createIssues($issues: [IssueToCreate!]!, $where: AssetWhere!) {\n"
      + "  data: createIssues(issues: $issues, where: $where) {\n    id\n  }\n}";
  /** The same for GQL_SEND_BACK_ASSETS_TO_QUEUE (an anonymous mutation; the fragment is just id). */
  static final String KILI_SEND_BACK = "mutation ($where: AssetWhere!) {\n"
      + "  data: sendBackAssetsToQueue(where: $where) {\n    id\n  }\n}";
  /** The Aquarium seed's relabel_mutation_fragment, as the Python triple-quoted string holds it. */
  static final String AQUARIUM_BULK_DELETE = "\nmutation BulkDeleteLabels (\n$projectId: ID!,\n"
      + "$makeTemplates: Boolean = true,\n$labelIds: [ID!]) {\nproject (where: {id: $projectId}) {\n"
      + "bulkDeleteLabels (\nwhere: {\nid_in: $labelIds\n},\nmakeTemplates: $makeTemplates,\nwaitForQueue: true\n"
      + ") {\ncount\n}\n}\n}\n";

  private static final String KILI_PROJECT = "clfcblkni05pq0jrq8wgib142";
  private static final String KILI_ASSET = "clfcblmgn0h4y0js5b2yy7qvx";
  private static final String KILI_MID = "20221124161451411-13314";

  @Test
  void kiliSeedThreeBoxesGiveTwoIssuesThenTheSendBack() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("kili.yaml"));
    IncomingEvent event = RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json", "evt-k3");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);

    assertThat(results).extracting(RuleResult::rule, RuleResult::outcome, RuleResult::emitted)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("kili-box-quality", "matched", 3));
    String label = "clfcblncs0h550js5golxg96s";
    ActionRecord sendBack = kili("evt-k3", "kili-box-quality", 2, sendBack(KILI_ASSET));
    ActionRecord largeBox = kili("evt-k3", "kili-box-quality", 1, createIssue(label, KILI_MID, "BBox too large"),
        sendBack);
    ActionRecord tooMany = kili("evt-k3", "kili-box-quality", 0,
        createIssue(label, null, "There are too many BBox (3) - Only 1 BBox of Object A accepted"), largeBox);
    assertThat(RuleFixtures.json(results.get(0).actions())).isEqualTo(RuleFixtures.json(List.of(tooMany)));
  }

  @Test
  void kiliSeedProperLabelStillHasTheTooLargeBoxUnderTheSeedsRule() {
    // The tutorial's "proper" label keeps the box it flagged as too large in the first label:
    // 0.67 x 0.53 = 0.3551 > 0.33. Its rule (not its prose) decides: one issue, then the send-back.
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("kili.yaml"));
    IncomingEvent event = RuleFixtures.event("kili", "kili", "kili-onsubmit-one-box.json", "evt-k1");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);

    ActionRecord sendBack = kili("evt-k1", "kili-box-quality", 1, sendBack(KILI_ASSET));
    ActionRecord largeBox = kili("evt-k1", "kili-box-quality", 0,
        createIssue("clfcbm2xk0h5j0js5c8ql2f1a", KILI_MID, "BBox too large"), sendBack);
    assertThat(RuleFixtures.json(results.get(0).actions())).isEqualTo(RuleFixtures.json(List.of(largeBox)));
  }

  @Test
  void kiliWithALargerAreaThresholdTheProperLabelGivesNothing() {
    List<RuleConfig> configs = RuleFixtures.example("kili.yaml");
    RuleSet rules = new RuleCompiler().compile(List.of(withParam(configs.get(0), "maxAreaRatio", 0.36)));

    RuleResult proper = RuleFixtures
        .evaluate(rules, RuleFixtures.event("kili", "kili", "kili-onsubmit-one-box.json", "e1")).get(0);
    assertThat(proper.outcome()).isEqualTo("matched");
    assertThat(proper.actions()).isEmpty();

    RuleResult three = RuleFixtures
        .evaluate(rules, RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json", "e3")).get(0);
    assertThat(RuleFixtures.json(three.actions())).isEqualTo(RuleFixtures.json(List.of(
        kili("e3", "kili-box-quality", 0, createIssue("clfcblncs0h550js5golxg96s", null,
            "There are too many BBox (3) - Only 1 BBox of Object A accepted"),
            kili("e3", "kili-box-quality", 1, sendBack(KILI_ASSET))))));
  }

  @Test
  void kiliReviewsAreLeftAlone() throws Exception {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("kili.yaml"));
    ObjectNode review = (ObjectNode) RuleFixtures.MAPPER.readTree(RuleFixtures.text("kili-onsubmit-three-boxes.json"));
    review.put("eventType", "onReview");
    var normalized = RuleFixtures.adapter("kili").normalize("kili", review);
    var ce = new io.hookgate.event.CloudEventFactory(RuleFixtures.MAPPER, RuleFixtures.CLOCK).toCloudEvent("r", "kili",
        normalized);
    assertThat(RuleFixtures.evaluate(rules, IncomingEvent.of(ce, RuleFixtures.MAPPER)))
        .extracting(RuleResult::outcome).containsExactly("not_matched");
  }

  @Test
  void kiliGraphqlDocumentsAreTheSdksPrintedDocuments() {
    assertThat(KiliGraphql.CREATE_ISSUES).isEqualTo(KILI_CREATE_ISSUES);
    assertThat(KiliGraphql.SEND_BACK_TO_QUEUE).isEqualTo(KILI_SEND_BACK);
    JsonNode params = RuleFixtures.example("kili.yaml").get(0).params();
    assertThat(params.path("createIssues").asText()).isEqualTo(KILI_CREATE_ISSUES);
    assertThat(params.path("sendBackToQueue").asText()).isEqualTo(KILI_SEND_BACK);
  }

  @Test
  void v7UrgentItemWithEightScrewsGetsASlackMessageAndTheMissingAnnotationsTag() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("v7.yaml"));
    IncomingEvent event = RuleFixtures.event("v7", "v7", "rules/v7-urgent-eight-screws.json", "evt-v7");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);

    assertThat(results).extracting(RuleResult::outcome).containsExactly("matched", "matched", "not_matched");
    String item = "0192e6b1-7c3a-7d2e-9f10-5c1a2b3c4d5e";
    ActionRecord slack = action("evt-v7:v7-tagged-to-slack:0", "evt-v7", "labeling.item.stage_reached", "v7", "712345",
        "v7-tagged-to-slack", "slack", "slack", "POST", "", """
        {"text": "V7 item shelf_0042.jpg reached the webhook stage tagged urgent: https://darwin.v7labs.com/workview?dataset=712345&item=%s"}
        """.formatted(item));
    ActionRecord tag = action("evt-v7:v7-missing-annotations:0", "evt-v7", "labeling.item.stage_reached", "v7",
        "712345",
        "v7-missing-annotations", "v7", "http", "POST", "/api/v2/teams/acme-qa/items/slots/tags", """
        {"filters": {"dataset_ids": [712345], "item_ids": ["%s"]}, "annotation_class_id": 4242}
        """.formatted(item));
    assertThat(RuleFixtures.json(actions(results))).isEqualTo(RuleFixtures.json(List.of(slack, tag)));
  }

  /** Without dataset_management_url the project is the dataset's slug, which V7's tag API cannot take. */
  @Test
  void v7ItemWithoutANumericDatasetIdGetsTheSlackMessageButNoTagRequest() throws Exception {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("v7.yaml"));
    ObjectNode body = (ObjectNode) RuleFixtures.MAPPER.readTree(RuleFixtures.text("rules/v7-urgent-eight-screws.json"));
    ((ObjectNode) body.at("/item/source_info/dataset")).remove("dataset_management_url");
    IncomingEvent event = RuleFixtures.event("v7", "v7", body, "evt-v7-slug");
    assertThat(event.projectId()).doesNotContainPattern("^[0-9]+$");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);
    assertThat(results).extracting(RuleResult::outcome).containsExactly("matched", "not_matched", "not_matched");
  }

  @Test
  void v7ItemWithTenScrewsAndNoTagGivesNothing() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("v7.yaml"));
    List<RuleResult> results = RuleFixtures.evaluate(rules,
        RuleFixtures.event("v7", "v7", "rules/v7-ten-screws.json", "e"));
    assertThat(results).extracting(RuleResult::outcome).containsExactly("not_matched", "not_matched", "not_matched");
  }

  @Test
  void v7WorkflowCompleteGetsASlackMessageCountingItsAnnotationsButNoTag() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("v7.yaml"));
    IncomingEvent event = RuleFixtures.event("v7", "v7", "v7-workflow-complete-invoice.json", "evt-v7-done");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);

    // The stage rules do not apply: no item id to tag, no stage reached.
    assertThat(results).extracting(RuleResult::outcome).containsExactly("not_matched", "not_matched", "matched");
    ActionRecord slack = action("evt-v7-done:v7-completed-to-slack:0", "evt-v7-done", "labeling.item.completed", "v7",
        "722931", "v7-completed-to-slack", "slack", "slack", "POST", "", """
        {"text": "V7 file invoice_2024_0042.png of dataset 722931 is complete with 7 annotations"}
        """);
    assertThat(RuleFixtures.json(actions(results))).isEqualTo(RuleFixtures.json(List.of(slack)));

    IncomingEvent letter = RuleFixtures.event("v7", "v7", "v7-workflow-complete.json", "e1");
    List<RuleResult> one = RuleFixtures.evaluate(rules, letter);
    assertThat(RuleFixtures.json(actions(one)).at("/0/body/text").asText())
        .isEqualTo("V7 file letter.png of dataset 1 is complete with 1 annotation");
  }

  @Test
  void aquariumIssueExportedBecomesTheSeedsBulkDeleteLabelsMutation() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("aquarium.yaml"));
    IncomingEvent event = RuleFixtures.event("aquarium", "aquarium", "rules/aquarium-issue-exported.json", "evt-aq");
    List<RuleResult> results = RuleFixtures.evaluate(rules, event);

    ObjectNode body = RuleFixtures.MAPPER.createObjectNode();
    body.put("query", AQUARIUM_BULK_DELETE);
    body.set("variables", parse("""
        {"projectId": "warehouse-detection", "labelIds": ["lbl-11111111", "lbl-22222222", "lbl-33333333", "lbl-55555555"]}
        """));
    ActionRecord relabel = action("evt-aq:aquarium-relabel-graphql:0", "evt-aq", "labeling.issue.exported", "aquarium",
        "warehouse-detection", "aquarium-relabel-graphql", "labeling-graphql", "graphql", "POST", "", body.toString());
    assertThat(RuleFixtures.json(actions(results))).isEqualTo(RuleFixtures.json(List.of(relabel)));
  }

  @Test
  void aquariumIssueExportedAsANewBatchOfFramesWhenTheRestRuleIsEnabled() {
    List<RuleConfig> configs = RuleFixtures.example("aquarium.yaml");
    RuleSet rules = new RuleCompiler().compile(List.of(enabled(configs.get(1))));
    IncomingEvent event = RuleFixtures.event("aquarium", "aquarium", "rules/aquarium-issue-exported.json", "evt-aq");

    ActionRecord batch = action("evt-aq:aquarium-relabel-rest:0", "evt-aq", "labeling.issue.exported", "aquarium",
        "warehouse-detection", "aquarium-relabel-rest", "labeling-rest", "http", "POST", "", """
        {"name": "warehouse_2024_03_relabel_mislabeled_pallets", "project": "warehouse-detection",
         "frames": [{"id": "frame_0001", "url": "https://storage.example.com/warehouse/frame_0001.jpg"},
                    {"id": "frame_0002", "url": "https://storage.example.com/warehouse/frame_0002.jpg"},
                    {"id": "frame_0003", "url": "https://storage.example.com/warehouse/frame_0003.jpg"}]}
        """);
    assertThat(RuleFixtures.json(actions(RuleFixtures.evaluate(rules, event))))
        .isEqualTo(RuleFixtures.json(List.of(batch)));
  }

  @Test
  void isahitFinishedAnnotationAndReviewTasksCallTheEndpointWithTheTaskIds() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("isahit.yaml"));
    for (String[] c : new String[][] {{"rules/isahit-annotation-done.json", "annotation", "task_91b0e4"},
        {"rules/isahit-review-done.json", "review", "task_91b0e5"}}) {
      IncomingEvent event = RuleFixtures.event("isahit", "isahit", c[0], "evt-" + c[1]);
      ActionRecord call = action("evt-" + c[1] + ":isahit-task-finished:0", "evt-" + c[1], "labeling.task.completed",
          "isahit", "proj_2e8d10", "isahit-task-finished", "isahit-tasks", "http", "POST",
          "/tasks/" + c[2] + "/finished", """
          {"taskId": "%s", "type": "%s", "batchId": "batch_3a7c55", "projectId": "proj_2e8d10", "workflowId": "wf_6f1d2c"}
          """.formatted(c[2], c[1]));
      assertThat(RuleFixtures.json(actions(RuleFixtures.evaluate(rules, event))))
          .isEqualTo(RuleFixtures.json(List.of(call)));
    }
  }

  @Test
  void genericForwardsEveryEventAsAStructuredCloudEvent() {
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("generic.yaml"));
    IncomingEvent event = RuleFixtures.event("generic", "generic", "rules/generic-order-created.json", "evt-g");
    ActionRecord forward = action("evt-g:generic-forward:0", "evt-g", "webhook.received", "generic", "shop-eu",
        "generic-forward", "subscriber", "forward", "POST", "", """
        {"specversion": "1.0", "id": "evt-g", "source": "/sources/generic", "type": "webhook.received",
         "datacontenttype": "application/json", "dataschema": "urn:hookgate:schema:labeling-event:v1",
         "subject": "ord_1001", "time": "2024-12-17T15:10:37.619Z",
         "platform": "generic", "partitionkey": "shop-eu", "platformevent": "order.created",
         "data": %s}
        """.formatted(event.event().data().toString()));
    assertThat(RuleFixtures.json(actions(RuleFixtures.evaluate(rules, event))))
        .isEqualTo(RuleFixtures.json(List.of(forward)));
  }

  @Test
  void everyExampleIsACompleteConfigWhoseRulesNameConfiguredTargets() {
    for (String example : List.of("kili.yaml", "v7.yaml", "aquarium.yaml", "isahit.yaml", "generic.yaml")) {
      io.hookgate.config.HookgateConfig config = new io.hookgate.config.ConfigLoader(Map.of())
          .load(java.nio.file.Path.of("conf", "examples", example));
      assertThat(config.sources()).as(example).isNotEmpty();
      assertThat(config.targets()).as(example).isNotEmpty();
      RuleSet rules = new RuleCompiler().compile(config.rules());
      rules.requireTargets(config.targets().keySet());
      rules.requireSources(config.sources().keySet());
    }
  }

  @Test
  void aRuleNamingAnUnconfiguredTargetStopsStartUp() {
    assertStartUpFails("""
        - { name: typo, actions: [ { target: kili, kind: http }, { target: klii, kind: http } ] }
        """)
        .hasMessageContaining("rules[0].actions[1].target").hasMessageContaining("rule 'typo'")
        .hasMessageContaining("no target named 'klii'").hasMessageContaining("configured: kili");
  }

  /** "enabled: false: compiled and checked, not run": its targets are checked too. */
  @Test
  void aDisabledRuleNamingAnUnconfiguredTargetStopsStartUpToo() {
    assertStartUpFails("""
        - { name: later, enabled: false, actions: [ { target: nosuch, kind: http } ] }
        """)
        .hasMessageContaining("rules[0].actions[0].target").hasMessageContaining("rule 'later'")
        .hasMessageContaining("no target named 'nosuch'");
  }

  /** A typo in scope.sources would keep the rule from ever matching, without a word: start-up stops instead. */
  @Test
  void aRuleScopedToAnUnconfiguredSourceStopsStartUp() {
    assertStartUpFails("""
        - { name: scoped, scope: { sources: [ kili, klii ] }, actions: [ { target: kili, kind: http } ] }
        """, "sources: { kili: { kind: kili, auth: { type: none } } }")
        .hasMessageContaining("rules[0].scope.sources[1]").hasMessageContaining("rule 'scoped'")
        .hasMessageContaining("no source named 'klii'").hasMessageContaining("configured: kili");
  }

  // --- helpers ---------------------------------------------------------------------------------------

  /** Starting a gateway with one target, kili, and these rules fails with a ConfigException. */
  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStartUpFails(String rules) {
    return assertStartUpFails(rules, "");
  }

  /** The same, with a line of configuration before the targets (e.g. {@code sources:}). */
  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStartUpFails(String rules,
      String more) {
    String yaml = more + """

        kafka: { bootstrapServers: "127.0.0.1:1" }
        targets:
          kili: { baseUrl: "https://cloud.kili-technology.com/api/label/v2/graphql" }
        rules:
        """ + rules.indent(2);
    return org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.hookgate.Hookgate.start(
        new io.hookgate.config.ConfigLoader(Map.of()).loadYaml(yaml), Map.of()))
        .isInstanceOf(io.hookgate.config.ConfigException.class);
  }

  private static ActionRecord kili(String eventId, String rule, int index, String body, ActionRecord... then) {
    return action(eventId + ":" + rule + ":" + index, eventId, "labeling.label.submitted", "kili", KILI_PROJECT, rule,
        "kili", "graphql", "POST", "", body, then);
  }

  private static String createIssue(String label, String mid, String text) {
    ObjectNode body = RuleFixtures.MAPPER.createObjectNode();
    body.put("query", KILI_CREATE_ISSUES);
    ObjectNode issue = body.putObject("variables").putArray("issues").addObject();
    issue.put("labelID", label).put("objectMid", mid).put("type", "ISSUE").putNull("assetId");
    issue.put("text", text);
    ((ObjectNode) body.get("variables")).putObject("where").putObject("project").put("id", KILI_PROJECT);
    return body.toString();
  }

  private static String sendBack(String asset) {
    ObjectNode body = RuleFixtures.MAPPER.createObjectNode();
    body.put("query", KILI_SEND_BACK);
    body.putObject("variables").putObject("where").putArray("idIn").add(asset);
    return body.toString();
  }

  static ActionRecord action(String id, String eventId, String eventType, String source, String project, String rule,
      String target, String kind, String method, String path, String body, ActionRecord... then) {
    return new ActionRecord(id, eventId, eventType, source, project, rule, target, kind, method, path, Map.of(),
        parse(body), List.of(then), 1, RuleFixtures.NOW, null, null);
  }

  private static JsonNode parse(String json) {
    try {
      return RuleFixtures.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<ActionRecord> actions(List<RuleResult> results) {
    List<ActionRecord> out = new ArrayList<>();
    results.forEach(r -> out.addAll(r.actions()));
    return out;
  }

  static RuleConfig withParam(RuleConfig r, String key, Object value) {
    ObjectNode params = r.params().deepCopy();
    params.set(key, RuleFixtures.MAPPER.valueToTree(value));
    return new RuleConfig(r.name(), r.enabled(), r.scope(), r.match(), r.values(), r.plugin(), params, r.ordering(),
        r.actions());
  }

  static RuleConfig enabled(RuleConfig r) {
    return new RuleConfig(r.name(), true, r.scope(), r.match(), r.values(), r.plugin(), r.params(), r.ordering(),
        r.actions());
  }
}
