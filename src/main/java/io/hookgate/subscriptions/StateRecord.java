package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A record of the compacted subscriptions topic (key = subscription id): the subscription as it now is, with
 * the command that made it so and what came of that command. Only the writer of the key's partition writes
 * them, in the order it applies commands, so the last record of a key is always its latest state, which is
 * what compaction keeps. A deleted subscription is a record with {@code subscription} null, then a tombstone.
 *
 * @param writeId the command's, so that whoever sent it learns the result
 * @param subscription the state after the command (unchanged when it was refused); null once deleted
 * @param message for a refused command, why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateRecord(String schema, String writeId, Result result, SubscriptionCodec.Stored subscription,
    String message) {

  static final String SCHEMA = "hookgate.subscription.v1";

  /** What came of a command; public so that the management API can answer with it. */
  public enum Result {
    created, replaced, updated, unchanged, deleted,
    /** {@code If-Match} named another revision. */
    conflict,
    /** No such subscription. */
    notFound,
    /** create: the id is taken. */
    exists,
    /** The change is not possible as asked (say, removing a project from one that matches every project). */
    refused
  }
}
