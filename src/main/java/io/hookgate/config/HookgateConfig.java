package io.hookgate.config;

import java.util.List;
import java.util.Map;

/** The whole gateway configuration, bound from {@code conf/hookgate.yaml} plus environment overrides. */
public record HookgateConfig(
    IngressConfig ingress,
    ManagementConfig management,
    KafkaSettings kafka,
    ShutdownConfig shutdown,
    Map<String, SourceConfig> sources,
    Map<String, TargetConfig> targets,
    List<RuleConfig> rules,
    RulesEngineConfig rulesEngine,
    ApiConfig api,
    EncryptionConfig encryption,
    SubscriptionsConfig subscriptions) {

  public HookgateConfig {
    sources = sources == null ? Map.of() : Map.copyOf(sources);
    targets = targets == null ? Map.of() : Map.copyOf(targets);
    rules = rules == null ? List.of() : List.copyOf(rules);
    rulesEngine = rulesEngine == null ? RulesEngineConfig.defaults() : rulesEngine;
    api = api == null ? ApiConfig.defaults() : api;
    encryption = encryption == null ? EncryptionConfig.defaults() : encryption;
    subscriptions = subscriptions == null ? SubscriptionsConfig.defaults() : subscriptions;
  }
}
