package io.hookgate.admin;

import io.hookgate.actions.SsrfGuard;
import io.hookgate.config.ConfigException;
import io.hookgate.config.Sizes;
import io.hookgate.config.TargetConfig;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.DeliveryFormat;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subscription as a client asks for it (a body the OpenAPI document has already validated), checked for what
 * a schema cannot say: an http(s) URL to an address that may be called, headers that are valid HTTP and not
 * hookgate's own, event types that are exact or prefixes, a CEL {@code filter.match} that compiles, durations and
 * a retry policy that make sense. Each refusal is a 400 whose {@code field} is the JSON Pointer of the value.
 */
final class SubscriptionRequests {
  /** Headers hookgate sets itself, or that belong to the connection: a subscription may not set them. */
  private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding",
      "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection", "idempotency-key",
      "traceparent", "tracestate");
  private static final List<String> RESERVED_PREFIXES = List.of("webhook-", "ce-");
  private static final Pattern RETRY_KEY = Pattern.compile("retry\\.(\\w+)");

  private final Vertx vertx;
  private final FilterExpressions expressions;
  private final SsrfGuard guard;
  private final SsrfGuard.Allowance allowance;

  SubscriptionRequests(Vertx vertx, FilterExpressions expressions, SsrfGuard guard, SsrfGuard.Allowance allowance) {
    this.vertx = vertx;
    this.expressions = expressions;
    this.guard = guard;
    this.allowance = allowance;
  }

  /** The subscription asked for under {@code id}, or a failed future with the {@link ApiProblem} to answer. */
  Future<Subscription> read(String id, JsonObject body) {
    Subscription asked;
    URI url;
    try {
      url = url(body.getString("url"));
      asked = new Subscription(id, body.getString("url"), body.getString("description"),
          filter(body.getJsonObject("filter")), format(body.getString("format")),
          headers(body.getJsonObject("headers")), body.getBoolean("active", true), settings(body), null, null, null,
          null, 0);
    } catch (ApiProblem e) {
      return Future.failedFuture(e);
    }
    return compile(asked.filter().match()).compose(v -> reachable(url)).map(asked);
  }

  private static URI url(String text) {
    try {
      return TargetConfig.checkUrl(text);
    } catch (ConfigException e) {
      // checkUrl speaks of targets' base URLs; a subscription has a url and headers.
      throw ApiProblem.invalid("/url", e.getMessage().replace("the base URL ", "url: ")
          .replace("use auth.secret", "send them in headers"));
    }
  }

  /** Refused when the URL's address is private or loopback and not allowed; a name that does not resolve passes. */
  private Future<Void> reachable(URI url) {
    return guard.resolve(url.getHost(), allowance).<Void>mapEmpty().recover(e -> {
      if (e instanceof SsrfGuard.RefusedException) {
        String why = e.getMessage();
        int cut = why.indexOf("; allow it");
        return Future.failedFuture(ApiProblem.invalid("/url", "url: " + (cut < 0 ? why : why.substring(0, cut))
            + "; allow it with subscriptions.allowedHosts (HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS)"));
      }
      // Not resolvable now (or not at all): checked again, and refused if need be, when it is called.
      return Future.succeededFuture();
    });
  }

  /** Compiles {@code filter.match} on a worker: compiling takes milliseconds, too long for an event loop. */
  private Future<Void> compile(String match) {
    if (match == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      try {
        expressions.compile(match);
        return null;
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalid("/filter/match", e.getMessage());
      }
    }, false);
  }

  /** Refuses an event type that is neither exact nor a prefix ending in {@code .*}. */
  static void checkType(String type, String field, String shown) {
    if (type.indexOf('*') >= 0 && (!type.endsWith(".*") || type.indexOf('*') != type.length() - 1
        || type.length() < 3)) {
      throw ApiProblem.invalid(field, shown + ": an event type is exact (labeling.label.created) or a prefix ending "
          + "in .* (labeling.label.*)");
    }
  }

  /** A filter as the document has validated it; its {@code match} is compiled by whoever uses it. */
  static SubscriptionFilter filter(JsonObject f) {
    if (f == null) {
      return SubscriptionFilter.ALL;
    }
    List<String> types = strings(f, "types");
    if (types != null) {
      for (int i = 0; i < types.size(); i++) {
        checkType(types.get(i), "/filter/types/" + i, "filter.types[" + i + "]");
      }
    }
    return new SubscriptionFilter(strings(f, "sources"), strings(f, "projects"), strings(f, "batches"), types,
        f.getString("match"));
  }

  private static List<String> strings(JsonObject o, String key) {
    JsonArray a = o.getJsonArray(key);
    if (a == null) {
      return null;
    }
    List<String> out = new ArrayList<>(a.size());
    a.forEach(v -> out.add((String) v));
    return out;
  }

  private static DeliveryFormat format(String text) {
    return text == null ? DeliveryFormat.CLOUDEVENTS : DeliveryFormat.of(text);
  }

  private static Map<String, String> headers(JsonObject h) {
    Map<String, String> out = new LinkedHashMap<>();
    if (h == null) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (String name : h.fieldNames()) {
      String field = "/headers/" + name.replace("~", "~0").replace("/", "~1");
      String shown = "headers." + (name.length() > 64 ? name.substring(0, 64) + "…" : name);
      String lower = name.toLowerCase(Locale.ROOT);
      if (name.isEmpty() || HttpHeaderValidationUtil.validateToken(name) != -1) {
        throw ApiProblem.invalid(field, shown + ": not a valid HTTP header name (letters, digits and "
            + "!#$%&'*+-.^_`|~ only)");
      }
      if (RESERVED.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
        throw ApiProblem.invalid(field, shown + ": hookgate sets this header itself; it cannot be configured");
      }
      if (!seen.add(lower)) {
        throw ApiProblem.invalid(field, shown + ": given twice (header names are case-insensitive)");
      }
      String value = h.getString(name);
      // The value may be a credential: the answer says what is wrong with it, never what it is.
      if (!value.isEmpty() && HttpHeaderValidationUtil.validateValidHeaderValue(value) != -1) {
        throw ApiProblem.invalid(field, shown + ": the value is not a valid HTTP header value (no line breaks "
            + "or control characters, no space at either end)");
      }
      out.put(name, value);
    }
    return out;
  }

  private static Subscription.Settings settings(JsonObject body) {
    Subscription.Settings d = Subscription.Settings.DEFAULT;
    Duration timeout = duration(body, "/", "timeout", d.timeout());
    if (timeout.toMillis() < 1) {
      throw ApiProblem.invalid("/timeout", "timeout: must be at least 1ms");
    }
    Number rate = body.getNumber("rateLimit");
    Integer concurrency = body.getInteger("concurrency");
    return new Subscription.Settings(timeout, rate == null ? d.rateLimit() : rate.doubleValue(),
        concurrency == null ? d.concurrency() : concurrency, retry(body.getJsonObject("retry")));
  }

  private static TargetConfig.Retry retry(JsonObject r) {
    if (r == null) {
      return TargetConfig.Retry.DEFAULT;
    }
    try {
      return new TargetConfig.Retry(r.getInteger("maxAttempts"), duration(r, "/retry/", "maxAge", null),
          duration(r, "/retry/", "initialBackoff", null), duration(r, "/retry/", "maxBackoff", null),
          duration(r, "/retry/", "maxRetryAfter", null));
    } catch (ConfigException e) {
      Matcher key = RETRY_KEY.matcher(e.getMessage());
      throw ApiProblem.invalid(key.find() ? "/retry/" + key.group(1) : "/retry", e.getMessage());
    }
  }

  /** The schema has checked the form already; this only turns it into a Duration. */
  private static Duration duration(JsonObject o, String parent, String key, Duration absent) {
    String text = o.getString(key);
    if (text == null) {
      return absent;
    }
    try {
      return Sizes.duration(key, text);
    } catch (ConfigException | ArithmeticException e) {
      throw ApiProblem.invalid(parent + key, key + ": '" + text + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
    }
  }
}
