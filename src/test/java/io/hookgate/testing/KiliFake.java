package io.hookgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A local server shaped like Kili's label API ({@code src/test/node/kili-fake/server.js}), run as a child process:
 * Apollo's {@code subscriptions-transport-ws} server and graphql-js speak the protocol, code hookgate did not write.
 * Its npm packages are installed from the committed lock file ({@code npm ci}) the first time.
 */
public final class KiliFake implements AutoCloseable {
  private static final Path DIR = Path.of("src", "test", "node", "kili-fake");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Process process;
  private final int port;
  /** HTTP/1.1: an h2c upgrade request would be taken for a WebSocket upgrade by the Node server. */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private KiliFake(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** @param apiKey the API key the server accepts */
  public static KiliFake start(String apiKey) throws IOException, InterruptedException {
    installPackages();
    // Its stderr to a file rather than this JVM's (Surefire's channel; see installPackages).
    ProcessBuilder pb = new ProcessBuilder("node", "server.js").directory(DIR.toFile())
        .redirectError(Files.createTempFile("kili-fake-", ".log").toFile());
    pb.environment().put("PORT", "0");
    pb.environment().put("API_KEY", apiKey);
    pb.environment().put("KEEP_ALIVE_MS", "500");
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("listening ")) {
      p.destroyForcibly();
      throw new IllegalStateException("the Kili fake did not start: " + line);
    }
    return new KiliFake(p, Integer.parseInt(line.substring("listening ".length()).trim()));
  }

  private static void installPackages() throws IOException, InterruptedException {
    if (Files.isDirectory(DIR.resolve("node_modules").resolve("subscriptions-transport-ws"))) {
      return;
    }
    // Not inheritIO(): this JVM's stdin and stdout are Surefire's channel to Maven, and node makes an inherited
    // stdin non-blocking, after which the fork's next read fails ("std/in stream corrupted") and the build with it.
    Path log = Files.createTempFile("kili-fake-npm-", ".log");
    Process npm = new ProcessBuilder("sh", "-c", "npm ci --offline --no-audit --no-fund || npm ci --no-audit --no-fund")
        .directory(DIR.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      npm.destroyForcibly();
      throw new IllegalStateException("npm ci failed in " + DIR.toAbsolutePath() + ":\n" + Files.readString(log));
    }
    Files.deleteIfExists(log);
  }

  /** Kili's endpoint as the pull source takes it. */
  public String wsEndpoint() {
    return "ws://127.0.0.1:" + port + "/api/label/v2/graphql";
  }

  /** Stores a label and pushes it to the project's subscribers; answers it with its {@code createdAt}. */
  public JsonNode push(String projectId, String labelJson) throws Exception {
    return control("/control/labels", body(projectId, labelJson, true));
  }

  /** Stores a label without pushing it: one made while hookgate was not listening, for the backfill to find. */
  public JsonNode storeOnly(String projectId, String labelJson) throws Exception {
    return control("/control/labels", body(projectId, labelJson, false));
  }

  /** Cuts every WebSocket connection (the server stays up). */
  public int drop() throws Exception {
    return control("/control/drop", "{}").path("dropped").asInt();
  }

  /** connections, inits, rejected, subscriptions, labelQueries, open */
  public JsonNode stats() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/control/stats")).build(), HttpResponse.BodyHandlers.ofString());
    return MAPPER.readTree(r.body());
  }

  private static String body(String projectId, String labelJson, boolean publish) throws IOException {
    ObjectNode b = MAPPER.createObjectNode().put("projectId", projectId).put("publish", publish);
    b.set("label", MAPPER.readTree(labelJson));
    return b.toString();
  }

  private JsonNode control(String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return MAPPER.readTree(r.body());
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
