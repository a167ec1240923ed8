package io.hookgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;

/**
 * Checks that a refusal, of the ingress or of the management port, is an RFC 9457 problem: the media type,
 * and type/title/status/detail present.
 */
public final class ProblemAssert {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProblemAssert() {
  }

  /** Asserts the status and the problem body; returns the body for further checks. */
  public static JsonNode assertProblem(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    return assertProblemBody(status, type, response.headers().firstValue("Content-Type").orElse(null), response.body());
  }

  public static JsonNode assertProblemBody(int status, String type, String contentType, String body) {
    assertThat(contentType).as("Content-Type").startsWith("application/problem+json");
    JsonNode problem;
    try {
      problem = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the problem body is not JSON: " + body, e);
    }
    assertThat(problem.path("type").asText()).isEqualTo(type);
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("status").isInt()).as("status is a JSON number").isTrue();
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("detail").asText()).isNotBlank();
    return problem;
  }
}
