package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A change asked of a subscription, as written to the commands topic (key = subscription id). The one writer
 * of the command's partition applies the commands in order to the current state and writes the result to the
 * state topic, so that every change, its {@code If-Match} check and every read-modify-write (pause, a project
 * added) see the state the previous change left, whichever replica took them.
 *
 * @param writeId the writer of the command waits for the state record that carries it
 * @param ifRevision the {@code If-Match} revision; null for none
 * @param subscription create and put: the subscription asked for (secrets encrypted)
 * @param project addProject and removeProject
 * @param reason pause: why
 * @param offset held: where the held deliveries start in the actions topic
 * @param secret rotateSecret: the new secret (encrypted); create and put: the secret of a new subscription
 * @param overlapMs rotateSecret: how long the previous secret keeps signing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SubscriptionCommand(String schema, String writeId, String id, Op op, Long ifRevision,
    SubscriptionCodec.Stored subscription, String project, String reason, Long offset,
    SubscriptionCodec.StoredSecret secret, Long overlapMs) {

  static final String SCHEMA = "hookgate.subscription-command.v1";

  enum Op {
    /** POST: a new subscription; refused when the id exists. */
    create,
    /** PUT: creates, or replaces keeping the secrets, the log and the pause. */
    put, delete, pause, resume,
    /** The actions consumer holding its deliveries says where they start. */
    held,
    /** What was held while paused has been delivered: the pause is over. */
    resumed, addProject, removeProject, rotateSecret,
    /** hookgate disables a subscription whose deliveries fail without a success for too long. */
    disable
  }

  static SubscriptionCommand of(String writeId, String id, Op op, Long ifRevision) {
    return new SubscriptionCommand(SCHEMA, writeId, id, op, ifRevision, null, null, null, null, null, null);
  }

  SubscriptionCommand withSubscription(SubscriptionCodec.Stored s, SubscriptionCodec.StoredSecret newSecret) {
    return new SubscriptionCommand(schema, writeId, id, op, ifRevision, s, project, reason, offset, newSecret,
        overlapMs);
  }

  SubscriptionCommand withProject(String p) {
    return new SubscriptionCommand(schema, writeId, id, op, ifRevision, subscription, p, reason, offset, secret,
        overlapMs);
  }

  SubscriptionCommand withReason(String r) {
    return new SubscriptionCommand(schema, writeId, id, op, ifRevision, subscription, project, r, offset, secret,
        overlapMs);
  }

  SubscriptionCommand withOffset(long o) {
    return new SubscriptionCommand(schema, writeId, id, op, ifRevision, subscription, project, reason, o, secret,
        overlapMs);
  }

  SubscriptionCommand withRotation(SubscriptionCodec.StoredSecret s, long overlap) {
    return new SubscriptionCommand(schema, writeId, id, op, ifRevision, subscription, project, reason, offset, s,
        overlap);
  }
}
