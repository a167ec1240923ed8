package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Every expression compiles once at start-up; a rule that does not stops start-up, saying where. */
class RuleCompilerTest {

  @Test
  void syntaxErrorNamesTheRuleTheKeyAndThePosition() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: ok
            match: event.type == 'a'
            actions: [ { target: t, kind: http, body: "{'a': 1}" } ]
          - name: broken-match
            match: event.type == 'labeling.label.submitted' && (
            actions: [ { target: t, kind: http } ]
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[1].match")
        .hasMessageContaining("rule 'broken-match'")
        .hasMessageContaining("line 1, column 46");
  }

  @Test
  void unknownVariableIsACompileErrorNotAnEventError() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: typo
            values:
              boxes: event.data.annotations
            actions:
              - target: t
                kind: http
                body: |-
                  {'count': size(boxes),
                   'label': evnt.data.labelId}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].actions[0].body")
        .hasMessageContaining("rule 'typo'")
        .hasMessageContaining("line 2, column 11")
        .hasMessageContaining("undeclared reference to 'evnt'");
  }

  @Test
  void aValueSeesOnlyTheValuesBeforeIt() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: order
            values:
              first: second + 1
              second: "1"
            actions: [ { target: t, kind: http } ]
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].values.first")
        .hasMessageContaining("undeclared reference to 'second'");
  }

  @Test
  void typesAreCheckedAgainstWhatTheirPlaceNeeds() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: not-boolean
            match: size(event.data.annotations)
            actions: [ { target: t, kind: http } ]
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].match").hasMessageContaining("must give a boolean").hasMessageContaining("int");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: not-a-list
            actions: [ { target: t, kind: http, forEach: "'abc'" } ]
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].actions[0].forEach").hasMessageContaining("must give a list");
  }

  @Test
  void pathTemplatePartsAreCompiledToo() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: path
            actions: [ { target: t, kind: http, path: "/teams/{{ event.data.workspace + }}/items" } ]
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules[0].actions[0].path{{8}}").hasMessageContaining("rule 'path'");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: path
            actions: [ { target: t, kind: http, path: "/teams/{{ event.data.workspace" } ]
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("no closing '}}'");
  }

  @Test
  void disabledRulesAreCheckedButNotRun() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: dormant
            enabled: false
            match: event.type ==
            actions: [ { target: t, kind: http } ]
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rule 'dormant'");
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: dormant
            enabled: false
            actions: [ { target: t, kind: http } ]
          - name: active
            actions: [ { target: t, kind: http } ]
        """);
    assertThat(rules.names()).containsExactly("active");
  }

  @Test
  void structuralMistakesNameTheKey() {
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - name: "a:b"
            actions: [ { target: t, kind: http } ]
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].name");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: twice, actions: [ { target: t, kind: http } ] }
          - { name: twice, actions: [ { target: t, kind: http } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[1].name").hasMessageContaining("twice");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, actions: [ { target: t, kind: smtp } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].actions[0].kind");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, actions: [ { kind: http } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].actions[0].target");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, actions: [ { target: t, kind: graphql } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].actions[0].body");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, actions: [ { target: t, kind: forward, body: "{}" } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("not allowed for kind forward");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, actions: [ { target: t, kind: http, headers: { Authorization: "Bearer x" } } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("credentials belong to the target");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, values: { event: "1" }, actions: [ { target: t, kind: http } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].values.event");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k, scope: everywhere, actions: [ { target: t, kind: http } ] }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("scope");
    assertThatThrownBy(() -> RuleFixtures.compile("""
        rules:
          - { name: k }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("rules[0].actions");
  }

  @Test
  void theGatewayRefusesToStartWithABrokenRule() {
    // Hookgate.start compiles the rules before it starts anything, with this same compiler.
    assertThatThrownBy(
        () -> io.hookgate.Hookgate.start(new io.hookgate.config.ConfigLoader(java.util.Map.of()).loadYaml("""
        kafka: { bootstrapServers: "127.0.0.1:1" }
        rules:
          - name: kili-too-many
            match: event.data.annotationCounts['JOB_0.OBJECT_A'] > 
            actions: [ { target: kili, kind: http } ]
        """), java.util.Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rule 'kili-too-many'")
        .hasMessageContaining("rules[0].match")
        .hasMessageContaining("line 1, column");
  }
}
