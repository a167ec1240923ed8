package io.hookgate.console;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.admin.ApiGateways;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's files on the management port, without a browser: where they are, their security headers, that
 * the port's 404 and 405 problems stay as they were, and that the page loads nothing from elsewhere.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsoleRoutesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Path FILES = Path.of("src", "main", "resources", ConsoleModule.WEB_ROOT);
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = ApiGateways.start(broker, ApiGateways.env());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRootAndTheFolderWithoutItsSlashLeadToTheConsole() throws Exception {
    HttpResponse<String> root = send("GET", "/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValue("/console/");
    HttpResponse<String> folder = send("GET", "/console");
    assertThat(folder.statusCode()).isEqualTo(301);
    assertThat(folder.headers().firstValue("Location")).hasValue("/console/");
  }

  @Test
  void thePageNeedsNoTokenAndComesWithItsSecurityHeaders() throws Exception {
    HttpResponse<String> page = send("GET", "/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>");

    HttpResponse<String> script = send("GET", "/console/js/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    // A module script is only run when served as JavaScript.
    assertThat(script.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(send("HEAD", "/console/console.css").statusCode()).isEqualTo(200);
  }

  @Test
  void theManagementPortKeepsItsProblemsAroundTheConsole() throws Exception {
    HttpResponse<String> missing = send("GET", "/console/nope.js");
    assertProblem(missing, 404, "urn:hookgate:problem:not-found");
    assertThat(missing.body()).contains("no management endpoint at /console/nope.js");
    HttpResponse<String> hidden = send("GET", "/console/../../conf/hookgate.yaml");
    assertThat(hidden.statusCode()).isIn(400, 404);
    HttpResponse<String> post = send("POST", "/console/");
    assertProblem(post, 405, "urn:hookgate:problem:method-not-allowed");
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertProblem(send("DELETE", "/"), 405, "urn:hookgate:problem:method-not-allowed");
    assertProblem(send("GET", "/api/v1/nope"), 404, "urn:hookgate:problem:not-found");
    assertProblem(send("POST", "/health/live"), 405, "urn:hookgate:problem:method-not-allowed");
    HttpResponse<String> api = send("GET", "/api/v1/subscriptions");
    assertProblem(api, 401, "urn:hookgate:problem:unauthorized");
  }

  @Test
  void thePageHasNoInlineScriptOrStyleAndLoadsNothingFromElsewhere() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(FILES)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).extracting(p -> FILES.relativize(p).toString().replace('\\', '/'))
        .contains("index.html", "console.css", "js/app.js", "js/api.js", "js/tail.js");
    for (Path file : files) {
      // The SVG's namespace is a name, not a URL anything loads.
      String text = Files.readString(file).replace("http://www.w3.org/2000/svg", "");
      assertThat(text).as(file.toString()).doesNotContainPattern("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/")
          .doesNotContainPattern("(?i)<script(?![^>]*\\bsrc=)").doesNotContainPattern("(?i)\\sstyle=")
          .doesNotContain("innerHTML").doesNotContain("eval(");
    }
  }
}
