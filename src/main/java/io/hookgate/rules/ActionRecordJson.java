package io.hookgate.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hookgate.actions.ActionRecord;
import java.io.IOException;

/**
 * The JSON form of {@link ActionRecord} on the actions topic: the record's components by name, nulls
 * left out, instants as ISO-8601 strings ({@code "2024-12-17T15:10:37.619Z"}).
 */
public final class ActionRecordJson {
  private final ObjectMapper mapper = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  public byte[] write(ActionRecord record) {
    try {
      return mapper.writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialize action " + record.id(), e);
    }
  }

  public ActionRecord read(byte[] json) throws IOException {
    return mapper.readValue(json, ActionRecord.class);
  }
}
