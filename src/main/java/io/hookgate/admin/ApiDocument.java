package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.mediatype.ContentAnalyser;
import io.vertx.openapi.mediatype.ContentAnalyserFactory;
import io.vertx.openapi.mediatype.MediaTypeInfo;
import io.vertx.openapi.mediatype.MediaTypeRegistration;
import io.vertx.openapi.mediatype.MediaTypeRegistry;
import io.vertx.openapi.validation.ValidationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The API's OpenAPI 3.1 document, written as YAML in the jar ({@value #RESOURCE}): served as JSON, as written,
 * and read by Vert.x as the contract that routes and validates every request.
 *
 * @param json the document as JSON text, as served at {@code /api/v1/openapi.json}
 */
record ApiDocument(String json, OpenAPIContract contract) {
  static final String RESOURCE = "openapi/hookgate-api.yaml";
  static final String PROBLEM_JSON = "application/problem+json";
  static final String EVENT_STREAM = "text/event-stream";

  /** Reads and checks the document (against the OpenAPI 3.1 schema); fails when it is not a valid one. */
  static Future<ApiDocument> load(Vertx vertx) {
    String json;
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return Future.failedFuture(new IllegalStateException(RESOURCE + " is not in the jar"));
      }
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(in);
      json = new ObjectMapper().writeValueAsString(tree);
    } catch (IOException e) {
      return Future.failedFuture(new UncheckedIOException(RESOURCE + " cannot be read", e));
    }
    return OpenAPIContract.builder(vertx).setContract(new JsonObject(json)).mediaTypeRegistry(mediaTypes()).build()
        .map(contract -> new ApiDocument(json, contract));
  }

  /**
   * Vert.x's media types, RFC 9457's problem documents, which are JSON, and Server-Sent Events, which only
   * answers carry (answers are not validated: it is registered so that the document can name it).
   */
  static MediaTypeRegistry mediaTypes() {
    return MediaTypeRegistry.createDefault()
        .register(registration(PROBLEM_JSON, ContentAnalyserFactory.json()))
        .register(registration(EVENT_STREAM, ContentAnalyserFactory.noop()));
  }

  private static MediaTypeRegistration registration(String type, ContentAnalyserFactory analysers) {
    return new MediaTypeRegistration() {
      @Override
      public ContentAnalyser createContentAnalyser(String contentType, Buffer content, ValidationContext context) {
        return analysers.create(contentType, content, context);
      }

      @Override
      public boolean canHandle(String mediaType) {
        return type.equals(MediaTypeInfo.of(mediaType).fullType());
      }

      @Override
      public List<String> supportedTypes() {
        return List.of(type);
      }
    };
  }
}
