package io.hookgate.ingress;

import io.hookgate.http.Problem;
import io.hookgate.ingress.auth.AuthOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A webhook refused, and all the answer needs: the problem, the reason counted in the rejects metric and
 * written in the access log, and the headers that go with the status ({@code Allow}, {@code WWW-Authenticate},
 * {@code Retry-After}...).
 *
 * @param source the source the request was posted to; null when no configured source matched its path
 * @param reason the {@code reason} label: the problem's own, but for a 401, where it names the check that
 *     failed while the problem says only {@code unauthorized}
 */
public record Refusal(ConfiguredSource source, Problem problem, String reason, Map<String, String> headers)
    implements
      Admission,
      Normalization {

  public Refusal {
    headers = Map.copyOf(headers);
  }

  public static Refusal of(ConfiguredSource source, Problem problem) {
    return new Refusal(source, problem, problem.reason(), Map.of());
  }

  /** One answer for every failed check: the client must not learn which part of its credentials is wrong. */
  public static Refusal unauthorized(ConfiguredSource source, AuthOutcome outcome) {
    return new Refusal(source, Problem.of(401, "unauthorized", "Unauthorized",
        "missing or invalid credentials for source '" + source.name() + "'"), outcome.reason(),
        Map.of("WWW-Authenticate", "Webhook realm=\"" + source.name() + "\""));
  }

  public static Refusal tooLarge(ConfiguredSource source) {
    return of(source, Problem.of(413, "body_too_large", "Content Too Large",
        "the body exceeds the limit of " + source.maxBodyBytes() + " bytes for source '" + source.name() + "'"));
  }

  public Refusal withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Refusal(source, problem, reason, more);
  }

  public int status() {
    return problem.status();
  }

  /** The source's name as metrics and the access log have it: "-" for none, never a name the client chose. */
  public String sourceLabel() {
    return source == null ? "-" : source.name();
  }
}
