package io.hookgate.actions;

import io.hookgate.config.Secret;
import io.hookgate.event.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Makes the HTTP call of one action attempt with vertx-web-client; what differs by kind (http, graphql, slack,
 * forward) is the {@link ActionKind}'s. Every request carries {@code Idempotency-Key: <action id>}, and the event's W3C trace context
 * ({@code traceparent}, {@code tracestate}) when it has one. Redirects are followed here, not by the
 * client, so that each hop goes through the SSRF check; the credential is dropped when a redirect leaves
 * the target's origin. The response body is read up to {@link #MAX_BODY} bytes and the rest discarded.
 */
final class ActionCaller {
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_REDIRECTS = 5;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /**
   * Headers an action may not set: the transport's, and those hookgate owns (the trace context is the
   * event's, from {@link ActionRecord#trace()}).
   */
  private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
      "idempotency-key", "webhook-id", "webhook-timestamp", "webhook-signature", "upgrade", "te", "trailer",
      TraceContext.TRACEPARENT, TraceContext.TRACESTATE);

  private final SsrfGuard guard;
  private final ActionKinds kinds;
  private final Clock clock;

  ActionCaller(SsrfGuard guard, ActionKinds kinds, Clock clock) {
    this.guard = guard;
    this.kinds = kinds;
    this.clock = clock;
  }

  /**
   * The request as first sent; redirects derive the next hop from it.
   *
   * @param signing what {@link #call} signs when it sends the request (a forward's); null otherwise
   */
  record Request(ActionKind kind, HttpMethod method, URI uri, MultiMap headers, Buffer body,
      ActionKind.Signing signing) {
  }

  /**
   * Sends a request built by {@link #prepare}; never fails: every problem becomes a {@link CallResult}.
   * Network errors and timeouts are retryable; a request the HTTP client refuses to build is refused.
   */
  Future<CallResult> call(Target target, WebClient client, Request request) {
    if (request.signing() != null) {
      ActionKind.Signing signing = request.signing();
      long timestamp = clock.instant().getEpochSecond();
      request.headers().set("webhook-timestamp", Long.toString(timestamp));
      StringBuilder signatures = new StringBuilder();
      for (StandardWebhooksSigner.Keyed signer : signing.signers()) {
        signatures.append(signatures.isEmpty() ? "" : " ").append(signer.sign(signing.id(), timestamp, signing.body()));
      }
      request.headers().set("webhook-signature", signatures.toString());
    }
    // A bug or an unforeseen input must not leave the action hanging: it becomes a retryable failure.
    return hop(target, client, request, 0)
        .otherwise(error -> CallResult.networkError("unexpected error: " + describe(error, target)));
  }

  /**
   * Builds the request of an action, all but a forward's signature. Throws IllegalArgumentException when
   * the action cannot make a valid request: an unknown kind, a path that leaves the target, a header name
   * or value HTTP cannot carry (from the action id, the action's headers or the target's credential)...
   * Nothing has been sent then, and every retry would build the same request, so the caller refuses the
   * action at once. The message says what is wrong and never contains a header value: the target's
   * credential is one of them.
   */
  Request prepare(Target target, ActionRecord action) {
    ActionKind kind = kinds.get(action.kind()).orElseThrow(() -> new IllegalArgumentException(
        "unknown action kind '" + action.kind() + "' (" + String.join(", ", kinds.names()) + ")"));
    // The id becomes Idempotency-Key (and a forward's webhook-id). It comes from the event id, which a sender
    // may choose (webhook-id, a generic source's deliveryId): a line break in it must not reach the wire.
    checkValue("Idempotency-Key", "the action id", action.id());
    URI uri = resolve(target, action.path());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String authHeader = target.config().auth() == null ? null : target.config().auth().header();
    for (Map.Entry<String, String> h : action.headers().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!RESERVED.contains(name) && (authHeader == null || !name.equalsIgnoreCase(authHeader))
          && h.getValue() != null) {
        if (!HttpSyntax.isToken(h.getKey())) {
          throw new IllegalArgumentException("invalid header name \"" + HttpSyntax.shown(h.getKey())
              + "\" in the action's headers: not an HTTP token");
        }
        // Rules fill these from event data (X-Label: "{{ event.data.labelId }}").
        checkValue(h.getKey(), "from the action's headers", h.getValue());
        headers.set(h.getKey(), h.getValue());
      }
    }
    if (action.method() != null && !HttpSyntax.isToken(action.method())) {
      // The client would send some of these (a trailing line break) as they are, on the request line.
      throw new IllegalArgumentException("invalid HTTP method \"" + HttpSyntax.shown(action.method())
          + "\": not an HTTP token");
    }
    HttpMethod method = action.method() == null ? HttpMethod.POST
        : HttpMethod.valueOf(action.method().toUpperCase(Locale.ROOT));
    ActionKind.Request made = kind.request(target, action, method, headers);
    headers.set("Idempotency-Key", HttpSyntax.headerId(action.id()));
    // Checked again: the record may come from another writer of the topic, or a replay.
    TraceContext trace = action.trace() == null ? null : action.trace().validated();
    if (trace != null) {
      headers.set(TraceContext.TRACEPARENT, trace.traceparent());
      if (trace.tracestate() != null) {
        headers.set(TraceContext.TRACESTATE, trace.tracestate());
      }
    }
    if (target.authValue().isPresent()) {
      Secret secret = target.authValue().get();
      String value = secret.reveal();
      String problem = HttpSyntax.valueProblem(value);
      if (problem != null) {
        // Named by where it comes from only (env:..., file:...), never shown.
        throw new IllegalArgumentException("invalid header value for " + authHeader + " (the credential of target "
            + target.name() + ", from " + secret.origin() + "): " + problem);
      }
      headers.set(authHeader, value);
    }
    // A subscription's headers (its receiver's Authorization...): checked when written, set last so that they
    // win over the action's own.
    target.headers().forEach((name, secret) -> {
      if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        checkValue(name, "a header of " + target.name(), secret.reveal());
        headers.set(name, secret.reveal());
      }
    });
    return new Request(kind, made.method(), uri, headers, made.body(), made.signing());
  }

  /** Throws when {@code value} cannot be the value of the header {@code name}; {@code from} says where it came from. */
  private static void checkValue(String name, String from, String value) {
    String problem = HttpSyntax.valueProblem(value);
    if (problem != null) {
      throw new IllegalArgumentException("invalid header value for " + name + " (" + from + "): " + problem);
    }
  }

  /** The target's base URL plus the action's path; the result must stay on the target's origin. */
  static URI resolve(Target target, String path) {
    URI base = target.baseUri();
    if (path == null || path.isEmpty()) {
      return base;
    }
    if (path.contains("://") || path.startsWith("//") || path.contains("\\")) {
      throw new IllegalArgumentException("the action path must be relative to its target's base URL");
    }
    String raw = base.toString();
    String joined;
    if (path.startsWith("?")) {
      joined = raw + (base.getRawQuery() == null ? path : "&" + path.substring(1));
    } else {
      joined = (raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw)
          + (path.startsWith("/") ? path : "/" + path);
    }
    URI uri;
    try {
      uri = new URI(joined);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the action path does not make a valid URL");
    }
    if (!sameOrigin(base, uri)) {
      throw new IllegalArgumentException("the action path must stay on its target's origin");
    }
    return uri;
  }

  private Future<CallResult> hop(Target target, WebClient client, Request request, int redirects) {
    URI uri = request.uri();
    return guard.resolve(uri.getHost(), target.allowance())
        .compose(address -> {
          CappedBody capture = new CappedBody(MAX_BODY);
          Future<HttpResponse<Void>> sent;
          try {
            HttpRequest<Void> http = client
                .requestAbs(request.method(),
                    SocketAddress.inetSocketAddress(new InetSocketAddress(address, port(uri))), uri.toASCIIString())
                .followRedirects(false)
                .timeout(target.config().timeout().toMillis())
                // No timer on the wait for a pooled connection: in Vert.x 5.1.0 that timer is not cancelled when
                // the pool hands the request a connection, and when it fires 'timeout' later it fails a completed
                // promise (IllegalStateException "Promise already completed", logged with its stack trace by the
                // event loop; eclipse-vertx/vert.x#6169, fixed in 5.1.3). bench/run-actions.sh measured hundreds
                // of such errors a second (a log of 188 MB in two minutes). The wait stays bounded: the
                // CallLimiter never runs more calls than the pool has connections, and the TCP connect has the
                // client's own connect timeout.
                .connectTimeout(0)
                .as(BodyCodec.pipe(capture));
            http.putHeaders(request.headers());
            sent = request.body() == null ? http.send() : http.sendBuffer(request.body());
          } catch (IllegalArgumentException e) {
            // The client refused to build the request (a header, the method, the URL): something prepare() does
            // not check, or a redirect's Location. Nothing went on the wire, and a retry would build the same
            // request. The client's message may quote the offending value: redacted, and kept on one line.
            return Future.succeededFuture(CallResult.refused("could not build the request: "
                + HttpSyntax.shown(target.redact(String.valueOf(e.getMessage())), 300)));
          }
          return sent.compose(response -> {
            if (REDIRECTS.contains(response.statusCode()) && response.getHeader("Location") != null) {
              return redirect(target, client, request, response, redirects);
            }
            return Future.succeededFuture(classify(request.kind(), response, capture.text()));
          }, error -> Future.succeededFuture(CallResult.networkError(describe(error, target))));
        }, error -> Future.succeededFuture(error instanceof SsrfGuard.RefusedException
            ? CallResult.refused(error.getMessage())
            : CallResult.networkError(describe(error, target))));
  }

  private Future<CallResult> redirect(Target target, WebClient client, Request request, HttpResponse<Void> response,
      int redirects) {
    String location = response.getHeader("Location");
    // Refusals from here on follow an answer of the target (the redirect): they carry its status.
    int status = response.statusCode();
    if (redirects >= MAX_REDIRECTS) {
      return Future.succeededFuture(CallResult.refused(status, "more than " + MAX_REDIRECTS + " redirects"));
    }
    URI next;
    try {
      next = request.uri().resolve(new URI(location.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Future.succeededFuture(CallResult.refused(status, "redirect to an invalid URL"));
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
      return Future.succeededFuture(CallResult.refused(status, "redirect to a URL that is not http(s)"));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    if (!sameOrigin(target.baseUri(), next) && target.config().auth() != null) {
      // Like browsers and curl: credentials are for the target's origin only.
      headers.remove(target.config().auth().header());
    }
    HttpMethod method = request.method();
    Buffer body = request.body();
    if (response.statusCode() == 303 && method != HttpMethod.HEAD) {
      method = HttpMethod.GET;
      body = null;
      headers.remove("Content-Type");
    }
    Request nextRequest = new Request(request.kind(), method, next, headers, body, null);
    return hop(target, client, nextRequest, redirects + 1).map(result -> result.verdict() == CallResult.Verdict.REFUSED
        ? CallResult.refused(status, "redirect (HTTP " + status + ") refused: " + result.message())
        : result);
  }

  CallResult classify(ActionKind kind, HttpResponse<?> response, String body) {
    int status = response.statusCode();
    String reason = response.statusMessage();
    if (status >= 200 && status < 300) {
      return kind.answered(status, reason, body);
    }
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      return new CallResult(CallResult.Verdict.RETRYABLE, status, reason, body,
          RetryPolicy.parseRetryAfter(response.getHeader("Retry-After"), clock.instant()));
    }
    return new CallResult(CallResult.Verdict.PERMANENT, status, reason, body, null);
  }

  private static String describe(Throwable error, Target target) {
    String text;
    if (error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")) {
      text = "timed out after " + target.config().timeout().toMillis() + "ms";
    } else if (error instanceof UnknownHostException) {
      text = "could not resolve host " + error.getMessage();
    } else {
      text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }
    return target.redact(text);
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Keeps the first {@code limit} bytes of a response body and drops the rest, so memory stays bounded. */
  static final class CappedBody implements WriteStream<Buffer> {
    private final int limit;
    private final Buffer kept = Buffer.buffer();

    CappedBody(int limit) {
      this.limit = limit;
    }

    String text() {
      return kept.length() == 0 ? null : kept.toString(StandardCharsets.UTF_8);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      int room = limit - kept.length();
      if (room > 0) {
        kept.appendBuffer(data.length() <= room ? data : data.getBuffer(0, room));
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
