package io.hookgate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.HookgateConfig;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every {@link GatewayModule} is built from, in one record rather than a constructor with a dozen
 * collaborators.
 *
 * @param env the process environment, where secret references ({@code env:NAME}) are resolved
 * @param kafka the one place where Kafka client properties are made
 * @param admin the gateway's Kafka admin client, shared
 */
public record GatewayContext(HookgateConfig config, Map<String, String> env, Vertx vertx, KafkaClientFactory kafka,
    Admin admin, GatewayMetrics metrics, ObjectMapper mapper, Clock clock) {
}
