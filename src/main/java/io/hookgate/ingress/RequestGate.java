package io.hookgate.ingress;

import io.hookgate.http.Problem;
import io.hookgate.ingress.auth.AuthOutcome;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * The first step of a webhook: its route and every check that needs no body, in this order: known source
 * (404), POST (405), static token (401), JSON content type (415) and no content coding (415), declared length
 * (413). A request refused here never has its body read; one that passes says whether it awaits a
 * {@code 100 Continue}.
 */
public final class RequestGate {
  private static final String PREFIX = "/webhooks/";

  private final Map<String, ConfiguredSource> sources;
  private final Clock clock;

  public RequestGate(Map<String, ConfiguredSource> sources, Clock clock) {
    this.sources = Map.copyOf(sources);
    this.clock = clock;
  }

  /**
   * One route, matched by hand: vertx-web's Router costs a routing context and a regular expression per
   * request, for nothing this endpoint needs.
   */
  public Admission admit(HttpMethod method, String path, MultiMap headers) {
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    int slash = path.indexOf('/', PREFIX.length());
    if (!path.startsWith(PREFIX) || end <= PREFIX.length() || (slash >= 0 && slash != end)) {
      return Refusal.of(null, Problem.of(404, "not_found", "Not Found",
          "no endpoint at " + path + "; webhooks are posted to /webhooks/{source}"));
    }
    String name = path.substring(PREFIX.length(), end);
    ConfiguredSource source = sources.get(name);
    if (source == null) {
      return Refusal.of(null, Problem.of(404, "unknown_source", "Unknown Source",
          "no webhook source named '" + name + "' is configured"));
    }
    if (method != HttpMethod.POST) {
      return Refusal.of(source, Problem.of(405, "method_not_allowed", "Method Not Allowed",
          "webhooks are sent with POST, not " + method.name())).withHeader(HttpHeaders.ALLOW.toString(), "POST");
    }
    // A static token is checked first: a client without it learns nothing more about the endpoint.
    if (!source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(headers, null, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        return Refusal.unauthorized(source, outcome);
      }
    }
    String contentType = headers.get(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && !isJson(contentType)) {
      return Refusal.of(source, Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be JSON (Content-Type: application/json), not " + contentType));
    }
    String encoding = headers.get(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      // Signatures are over the bytes as sent and the body is stored as sent: decoding it here would make
      // both ambiguous. RFC 9110 (section 12.5.3) says to answer 415 with the codings that are accepted.
      return Refusal.of(source, Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be sent without a content coding (Content-Encoding: " + oneLine(encoding, 100)
              + "); send it uncompressed"))
          .withHeader(HttpHeaders.ACCEPT_ENCODING.toString(), "identity");
    }
    long declared = declaredLength(headers);
    if (declared > source.maxBodyBytes()) {
      return Refusal.tooLarge(source);
    }
    // The 100 Continue goes only now, with the checks that need no body passed: a refused client never sends
    // its body, and an accepted one does not wait out its continue timeout (curl waits a second on every body
    // over 1 KiB).
    return new Admitted(source, declared, "100-continue".equalsIgnoreCase(headers.get(HttpHeaders.EXPECT)));
  }

  /**
   * The problem of a request Netty's HTTP decoder refused (a negative or non-numeric Content-Length,
   * Content-Length with chunked encoding, a request line or headers over the limits): the statuses of Vert.x's
   * default handler, which answers them with no body, with a problem that says what is wrong.
   */
  public static Problem malformed(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.of(414, "request_line_too_long", "URI Too Long",
          "the request line is longer than " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.of(431, "headers_too_large", "Request Header Fields Too Large",
          "the request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
    }
    String why = cause == null || cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage(), 200);
    return Problem.of(400, "malformed_request", "Bad Request", "the request is not valid HTTP/1.1" + why);
  }

  /** {@code text} cut at {@code max} characters, control characters as spaces: safe in a problem or a log. */
  static String oneLine(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7F ? ' ' : c);
    }
    return out.toString();
  }

  private static boolean isJson(String contentType) {
    if (contentType.equals("application/json")) {
      return true; // what nearly every sender sends, answered without splitting and lower-casing it
    }
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"))
        || base.equals("text/json");
  }

  private static long declaredLength(MultiMap headers) {
    String value = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
