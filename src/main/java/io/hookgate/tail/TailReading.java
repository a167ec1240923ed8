package io.hookgate.tail;

import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * What every reader of the live tail shares: where it reads, the hub's context it hands records to, and the CPU
 * budget they all spend.
 */
record TailReading(Vertx vertx, KafkaClientFactory kafka, String topic, Context context, TailBudget budget,
    TailMetrics metrics) {
}
