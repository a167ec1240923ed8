package io.hookgate.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionCodec;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.OperationalEvents;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.SubscriptionStore;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the jobs' runner and service share.
 *
 * @param mapper the jobs topic's JSON (instants as text)
 * @param readerProperties a topic reader's Kafka properties
 * @param rate deliveries a second that a job writes, at most: its own budget, so that live deliveries go on
 * @param operations hookgate's own events (a subscription recovered); null for none
 */
record JobsContext(Topics topics, JobStore store, SubscriptionStore subscriptions, FilterExpressions expressions,
    ObjectMapper mapper, ActionCodec codec, EventPublisher publisher, Admin admin, Map<String, Object> readerProperties,
    double rate, OperationalEvents operations, Clock clock) {

  /** The topics jobs read and write; {@code commands} is the subscriptions' commands topic, which says who runs what. */
  record Topics(String events, String deadLetter, String actions, String jobs, String commands) {
  }
}
