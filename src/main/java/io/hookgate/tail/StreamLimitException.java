package io.hookgate.tail;

/** {@code management.streams.maxClients} streams are open on this replica: one more is answered 429. */
public final class StreamLimitException extends RuntimeException {
  StreamLimitException(int max) {
    super("this gateway serves at most " + max + " event streams at once (management.streams.maxClients); try "
        + "again later", null, false, false);
  }
}
