package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The management API over HTTP with the JDK's client, as any client would call it. */
public final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final String token;

  /** @param token sent as {@code Authorization: Bearer}; null for none */
  public ApiClient(int port, String token) {
    this.port = port;
    this.token = token;
  }

  ApiClient as(String otherToken) {
    return new ApiClient(port, otherToken);
  }

  public HttpResponse<String> get(String path) {
    return send("GET", path, null, Map.of());
  }

  public HttpResponse<String> put(String path, String json) {
    return send("PUT", path, json, Map.of());
  }

  public HttpResponse<String> post(String path, String json) {
    return send("POST", path, json, Map.of());
  }

  public HttpResponse<String> delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** @param json the body, sent as application/json unless {@code headers} set another Content-Type */
  HttpResponse<String> send(String method, String path, String json, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    if (token != null) {
      all.put("Authorization", "Bearer " + token);
    }
    if (json != null) {
      all.put("Content-Type", "application/json");
    }
    all.putAll(headers);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    all.forEach((name, value) -> {
      if (value != null) {
        b.header(name, value);
      }
    });
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }
}
