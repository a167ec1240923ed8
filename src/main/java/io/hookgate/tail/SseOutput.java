package io.hookgate.tail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;

/**
 * What one stream writes to its client, and what waits: messages are queued as they come and written together
 * once per turn of the event loop ({@link #flush}), so that a burst of events is one write, not one per event.
 * While the connection's own buffer is full (Vert.x's {@code writeQueueFull}: the client does not read), messages
 * wait here, counted, up to a bound; past it the output overflows and takes nothing more, and the owner ends the
 * stream. That keeps what the gateway holds for a client that stopped reading to the bound, one message, and the
 * connection's buffer (Netty's 64 KiB high-water mark and one write).
 *
 * <p>Touched only on the stream's context.
 */
final class SseOutput {
  /** How long a client that does not read may hold its last message before its connection is closed anyway. */
  static final long CLOSE_GRACE_MS = 30_000;
  /** Queued bytes that are written at once rather than at the end of the turn, when the connection takes them. */
  static final int WRITE_AT = 64 * 1024;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final BufferedBytes buffered;
  private final long bound;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private long queued;
  private boolean overflowed;
  private boolean ended;

  /** What streams hold, for the metrics. */
  interface BufferedBytes {
    /** @param nowForClient what this stream holds after the change */
    void add(long bytes, long nowForClient);
  }

  /**
   * @param bound bytes that may wait here, besides the connection's buffer
   * @param drained called when the connection can take more after it was full
   */
  SseOutput(Vertx vertx, HttpServerResponse response, HttpConnection connection, long bound,
      BufferedBytes buffered, Runnable drained) {
    this.vertx = vertx;
    this.response = response;
    this.connection = connection;
    this.bound = bound;
    this.buffered = buffered;
    response.drainHandler(v -> {
      flush();
      drained.run();
    });
  }

  /**
   * Queues a message; written at the next {@link #flush}, or now when {@value #WRITE_AT} bytes wait and the
   * connection takes them. Past {@code bound} bytes waiting the output overflows: nothing more is queued or
   * written (a gap would follow), and the owner ends it.
   */
  void add(Buffer message) {
    if (ended || overflowed) {
      return;
    }
    queue.add(message);
    queued += message.length();
    buffered.add(message.length(), queued);
    if (queued >= WRITE_AT) {
      flush();
    }
    if (queued > bound) {
      overflowed = true;
    }
  }

  /** Bytes waiting here (not counting the connection's own buffer). */
  long queuedBytes() {
    return queued;
  }

  /** Whether less than half the bound waits: a catch-up reader hands on more only then. */
  boolean roomy() {
    return queued < bound / 2;
  }

  /** More than the bound waited: the client reads too slowly for the events it asked for. */
  boolean overflowed() {
    return overflowed;
  }

  boolean ended() {
    return ended;
  }

  /** Writes what waits, in one write, unless the connection's buffer is full (then the drain handler does). */
  void flush() {
    if (ended || overflowed || queue.isEmpty() || response.writeQueueFull()) {
      return;
    }
    Buffer out;
    if (queue.size() == 1) {
      out = queue.poll();
    } else {
      out = Buffer.buffer((int) Math.min(Integer.MAX_VALUE, queued));
      for (Buffer b : queue) {
        out.appendBuffer(b);
      }
      queue.clear();
    }
    buffered.add(-queued, 0);
    queued = 0;
    response.write(out);
  }

  /**
   * Drops what waits, ends the response with {@code last} and closes the connection once that is written (or
   * after {@value #CLOSE_GRACE_MS}ms for a client that does not read), so that the client reconnects.
   */
  void end(Buffer last) {
    if (ended) {
      return;
    }
    ended = true;
    buffered.add(-queued, 0);
    queue.clear();
    queued = 0;
    if (response.closed()) {
      return;
    }
    long timer = vertx.setTimer(CLOSE_GRACE_MS, id -> connection.close());
    response.end(last).onComplete(ar -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
  }

  /** The connection went away: nothing more is written. */
  void closed() {
    if (!ended) {
      ended = true;
      buffered.add(-queued, 0);
      queue.clear();
      queued = 0;
    }
  }
}
