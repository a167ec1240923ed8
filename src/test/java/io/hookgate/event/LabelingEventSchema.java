package io.hookgate.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The published schema of {@code data} (src/main/resources/schema/labeling-event.v1.json), loaded from the
 * classpath as a consumer would load the file, and checked by an independent JSON Schema validator.
 */
public final class LabelingEventSchema {
  public static final String RESOURCE = "/schema/labeling-event.v1.json";
  private static final Schema SCHEMA = load();

  private LabelingEventSchema() {
  }

  /** The validator's messages for {@code data}; empty when it conforms. */
  public static List<String> errors(JsonNode data) {
    return SCHEMA.validate(data).stream().map(Error::toString).toList();
  }

  public static JsonNode schemaNode() {
    return SCHEMA.getSchemaNode();
  }

  private static Schema load() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    try (InputStream in = LabelingEventSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return registry.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
