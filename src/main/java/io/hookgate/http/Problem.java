package io.hookgate.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json} for every refused request, by the
 * ingress and by the management port ({@link io.hookgate.health.ManagementVerticle#problem}).
 *
 * @param type a stable URN per kind of problem, for clients to switch on
 * @param reason a short machine word; on the ingress also the {@code reason} label of the rejects metric,
 *     except for a 401: that says {@code unauthorized} whatever failed, while the metric names the check
 *     (auth_missing...)
 * @param field for invalid payloads: the JSON path of the offending field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String reason,
    String field) {

  public static Problem of(int status, String reason, String title, String detail) {
    return new Problem("urn:hookgate:problem:" + reason.replace('_', '-'), title, status, detail, null, reason, null);
  }

  public Problem withInstance(String path) {
    return new Problem(type, title, status, detail, path, reason, field);
  }

  public Problem withField(String path) {
    return new Problem(type, title, status, detail, instance, reason, path);
  }
}
