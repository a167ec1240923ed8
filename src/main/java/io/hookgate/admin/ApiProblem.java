package io.hookgate.admin;

import io.hookgate.http.Problem;
import java.util.Map;

/**
 * A refusal on its way to the client: the API's handlers fail their futures with it, and it is answered as its
 * RFC 9457 problem, with any headers it needs ({@code WWW-Authenticate}, {@code Retry-After}).
 */
final class ApiProblem extends RuntimeException {
  private final transient Problem problem;
  private final transient Map<String, String> headers;

  ApiProblem(Problem problem, Map<String, String> headers) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = Map.copyOf(headers);
  }

  ApiProblem(Problem problem) {
    this(problem, Map.of());
  }

  Problem problem() {
    return problem;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** A 400 for a value of the request, {@code field} its JSON Pointer in the body or its parameter's name. */
  static ApiProblem invalid(String field, String detail) {
    return new ApiProblem(Problem.of(400, "invalid_request", "Invalid Request", detail).withField(field));
  }

  static ApiProblem unknownSubscription(String id) {
    return new ApiProblem(Problem.of(404, "unknown_subscription", "Unknown Subscription",
        "no subscription '" + id + "'"));
  }

  static ApiProblem preconditionFailed(String detail) {
    return new ApiProblem(Problem.of(412, "precondition_failed", "Precondition Failed", detail).withField("If-Match"));
  }

  static ApiProblem unavailable(String reason, String detail) {
    return new ApiProblem(Problem.of(503, reason, "Service Unavailable", detail));
  }
}
