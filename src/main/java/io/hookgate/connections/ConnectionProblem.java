package io.hookgate.connections;

import io.hookgate.http.Problem;

/** A connection asked for that cannot be made, with the RFC 9457 problem to answer. */
public final class ConnectionProblem extends RuntimeException {
  private final transient Problem problem;

  ConnectionProblem(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  static ConnectionProblem platform(String kind, String message) {
    return new ConnectionProblem(Problem.of(502, "platform_error", "Bad Gateway",
        (kind.equals("kili") ? "Kili" : "Isahit Lab") + " refused the registration: " + message));
  }
}
