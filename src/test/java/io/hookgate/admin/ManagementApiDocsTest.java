package io.hookgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.Operation;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the page that describes it stay in step: the document is valid OpenAPI 3.1, every
 * operation says who may call it and is described in docs/management-api.md, and every object a request sends
 * refuses unknown fields.
 */
class ManagementApiDocsTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static JsonNode document;

  @BeforeAll
  static void read() throws Exception {
    try (InputStream in = ManagementApiDocsTest.class.getClassLoader().getResourceAsStream(ApiDocument.RESOURCE)) {
      document = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  @Test
  void theDocumentIsValidOpenApi31AndVertxReadsEveryOperation() throws Exception {
    assertThat(document.path("openapi").asText()).startsWith("3.1");
    Vertx vertx = Vertx.vertx();
    try {
      ApiDocument loaded = ApiDocument.load(vertx).await(30, TimeUnit.SECONDS);
      assertThat(loaded.contract().operations()).extracting(Operation::getOperationId)
          .containsExactlyInAnyOrderElementsOf(operations().keySet());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyOperationIsOpenOrNamesTheRoleItNeeds() {
    operations().forEach((id, op) -> {
      boolean open = op.has("security") && op.path("security").isEmpty();
      assertThat(open || Set.of("viewer", "admin").contains(op.path("x-hookgate-role").asText()))
          .as("%s: security: [] or x-hookgate-role viewer|admin", id).isTrue();
      if (op.path("x-hookgate-role").asText().equals("viewer")) {
        assertThat(op.path("method").asText().equals("get") || op.path("x-hookgate-read-only").asBoolean())
            .as("%s: a viewer only reads (a GET, or an operation marked x-hookgate-read-only)", id).isTrue();
      }
    });
  }

  @Test
  void everyOperationIsDescribedInTheManagementApiPage() throws Exception {
    String page = Files.readString(Path.of("docs", "management-api.md"));
    operations().forEach((id, op) -> {
      assertThat(page).as("the operationId %s", id).contains("`" + id + "`");
      assertThat(page).as("the heading of %s", id).contains("### " + op.path("method").asText().toUpperCase()
          + " " + op.path("path").asText() + "\n");
    });
  }

  @Test
  void everyObjectARequestSendsRefusesUnknownFields() {
    List<String> open = new ArrayList<>();
    operations().forEach((id, op) -> op.path("requestBody").path("content")
        .forEach(media -> checkClosed(media.path("schema"), id, open)));
    assertThat(open).as("request schemas without additionalProperties: false").isEmpty();
  }

  private static void checkClosed(JsonNode schema, String where, List<String> open) {
    if (schema.has("$ref")) {
      String ref = schema.path("$ref").asText();
      checkClosed(document.at(ref.substring(1)), ref, open);
      return;
    }
    if (schema.path("type").asText().equals("object") && schema.has("properties")) {
      if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
        open.add(where);
      }
      schema.path("properties").fields().forEachRemaining(p -> checkClosed(p.getValue(), where + "/" + p.getKey(),
          open));
    }
  }

  /** Every operation by its id, with its method and path added as {@code method} and {@code path}. */
  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> out = new TreeMap<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(m -> {
      if (METHODS.contains(m.getKey())) {
        ObjectNode op = ((ObjectNode) m.getValue()).deepCopy();
        op.put("method", m.getKey()).put("path", path.getKey());
        out.put(m.getValue().path("operationId").asText(), op);
      }
    }));
    return out;
  }
}
