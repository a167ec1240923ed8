package io.hookgate.ingress;

import io.hookgate.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads a webhook's body without ever holding more than its source's limit (413), and gives up on a client
 * that has not sent it within the body read timeout (408); both fail the read with {@link Refused}. A read
 * that fails otherwise (the client went away) fails with the cause, and there is no one left to answer.
 *
 * <p>The timeout is one {@link #sweep()} every {@link #sweepInterval()} for all reads, rather than a Vert.x
 * timer set and cancelled per request (a scheduled task and a map entry in Vert.x each): a 408 comes at most a
 * tenth of the timeout late. One reader per verticle: only its event loop touches it.
 */
public final class BodyReader {
  private final Duration timeout;
  private final LongSupplier nanoTime;
  /** Bodies being read, oldest first. All have the same timeout, so arrival order is deadline order. */
  private final Set<Read> reading = new LinkedHashSet<>();

  /** @param nanoTime {@link System#nanoTime}, or a clock a test moves */
  public BodyReader(Duration timeout, LongSupplier nanoTime) {
    this.timeout = timeout;
    this.nanoTime = nanoTime;
  }

  /** How often {@link #sweep()} must run. */
  public Duration sweepInterval() {
    return Duration.ofMillis(Math.max(10, Math.min(1000, timeout.toMillis() / 10)));
  }

  /**
   * Reads the body of {@code req}, which must not have been read from yet (the handlers are set now).
   *
   * @param declaredLength the {@code Content-Length}, or -1: the buffer's first size
   */
  public Future<Buffer> read(HttpServerRequest req, ConfiguredSource source, long declaredLength) {
    Read read = new Read(source, nanoTime.getAsLong() + timeout.toNanos());
    reading.add(read);
    Buffer body = Buffer.buffer(declaredLength > 0 ? (int) declaredLength : 1024);
    req.handler(chunk -> {
      if (read.done) {
        return;
      }
      if (body.length() + chunk.length() > source.maxBodyBytes()) {
        finish(read).fail(new Refused(Refusal.tooLarge(source)));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> {
      if (!read.done) {
        finish(read).fail(err);
      }
    });
    req.endHandler(v -> {
      if (!read.done) {
        finish(read).complete(body);
      }
    });
    return read.promise.future();
  }

  /** Fails every read past its deadline with a 408: the oldest come first, so it stops at the first one in time. */
  public void sweep() {
    long now = nanoTime.getAsLong();
    List<Read> stalled = new ArrayList<>();
    for (Iterator<Read> it = reading.iterator(); it.hasNext();) {
      Read read = it.next();
      if (now - read.deadlineNanos < 0) {
        break;
      }
      it.remove();
      read.done = true;
      stalled.add(read);
    }
    // Outside the loop: failing a read answers its request, and nothing may change the set while it is walked.
    for (Read read : stalled) {
      read.promise.fail(new Refused(Refusal.of(read.source, Problem.of(408, "request_timeout", "Request Timeout",
          "the body was not received within " + timeout.toSeconds() + "s"))));
    }
  }

  /** Reads not finished yet. */
  int pending() {
    return reading.size();
  }

  private Promise<Buffer> finish(Read read) {
    read.done = true;
    reading.remove(read);
    return read.promise;
  }

  /** A body being read, until it ends, fails, exceeds the limit or times out. */
  private static final class Read {
    final ConfiguredSource source;
    final long deadlineNanos;
    final Promise<Buffer> promise = Promise.promise();
    boolean done;

    Read(ConfiguredSource source, long deadlineNanos) {
      this.source = source;
      this.deadlineNanos = deadlineNanos;
    }
  }
}
