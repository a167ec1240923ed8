package io.hookgate;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.kafka.ConsumerGroupLag;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One part of the gateway (ingress, rules, actions, delivery...), assembled the same way by {@link Hookgate}:
 * created from the {@link GatewayContext} (configuration errors are thrown then, before anything starts),
 * started, and closed after Vert.x has stopped its verticles.
 */
public interface GatewayModule {

  /** Deploys the module's verticles and readers; completes once it does its work. */
  Future<Void> start();

  /** Routes the module serves on the management port. */
  default List<Consumer<Router>> managementRoutes() {
    return List.of();
  }

  /** The consumer groups the module runs, for {@code hookgate_consumer_group_lag}. */
  default List<ConsumerGroupLag.Group> consumerGroups() {
    return List.of();
  }

  /**
   * Checks shown in {@code /health/ready}'s {@code checks} beside Kafka's, by name, for information only: they
   * do not change the answer's status (a platform being away does not make the gateway unready).
   */
  default Map<String, Supplier<JsonNode>> readinessDetails() {
    return Map.of();
  }

  /** Releases what the module holds outside Vert.x (producers, readers); called after Vert.x has closed. */
  default void close() {
  }
}
