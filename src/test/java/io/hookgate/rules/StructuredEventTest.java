package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** hookgate's structured-mode writer gives what the CloudEvents SDK's JsonFormat gives, for every kind of event. */
class StructuredEventTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final StructuredEvent writer = new StructuredEvent(MAPPER.getFactory());

  private static CloudEventBuilder base() {
    return CloudEventBuilder.v1()
        .withId("evt-1")
        .withSource(URI.create("/sources/kili"))
        .withType("labeling.label.submitted")
        .withSubject("asset-1")
        .withTime(OffsetDateTime.parse("2025-01-31T10:00:00.123+01:00"))
        .withDataSchema(URI.create("https://example.com/schema.json"))
        .withExtension("platform", "kili")
        .withExtension("count", 3)
        .withExtension("urgent", true)
        .withExtension("origin", URI.create("https://kili.example/p/1"))
        .withExtension("seen", OffsetDateTime.parse("2025-01-31T09:00:00Z"))
        .withExtension("blob", new byte[] {1, 2, 3, (byte) 0xff});
  }

  @Test
  void sameJsonAsTheSdkForEveryKindOfData() throws Exception {
    byte[] json = "{\"projectId\":\"p1\",\"ratio\":0.3551,\"label\":\"caf\u00e9 \ud83d\udce6\",\"n\":[1,2.50,null]}"
        .getBytes(StandardCharsets.UTF_8);
    List<CloudEvent> events = List.of(
        base().withDataContentType("application/json").withData(json).build(),
        base().withData(json).build(),
        base().withDataContentType("application/vnd.kili+json; charset=utf-8").withData(json).build(),
        base().withDataContentType("text/json").withData("\"just text\"".getBytes(StandardCharsets.UTF_8)).build(),
        base().withDataContentType("text/plain").withData("caf\u00e9".getBytes(StandardCharsets.UTF_8)).build(),
        base().withDataContentType("application/octet-stream").withData(new byte[] {0, 1, 2, (byte) 0xfe}).build(),
        base().withDataContentType("application/json-seq").withData(json).build(),
        base().build(),
        CloudEventBuilder.v1().withId("x").withSource(URI.create("urn:x")).withType("t").build());
    JsonFormat sdk = new JsonFormat();
    for (CloudEvent event : events) {
      assertThat(MAPPER.readTree(writer.write(event)))
          .as(event.getDataContentType())
          .isEqualTo(MAPPER.readTree(sdk.serialize(event)));
    }
  }

  @Test
  void jsonDataBytesAreWrittenAsTheyAre() {
    String data = "{ \"ratio\" : 0.35510000,\n \"a\":[1.0e2] }";
    CloudEvent event = base().withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8))
        .build();
    assertThat(new String(writer.write(event), StandardCharsets.UTF_8)).endsWith("\"data\":" + data + "}");
  }

  @Test
  void jsonContentTypesAsTheSdkDecidesThem() {
    Pattern sdk = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    for (String type : List.of("application/json", "text/json", "application/json;charset=utf-8",
        "application/json; charset=utf-8", "application/cloudevents+json", "application/vnd+json",
        "application/vnd.kili+json", "application/a+b+json", "application/+json", "application/json ",
        "application/jsonx", "application/json-seq", "APPLICATION/JSON", "image/json", "text/plain",
        "application/x1+json", "json", "")) {
      assertThat(StructuredEvent.isJsonContentType(type)).as(type).isEqualTo(sdk.matcher(type).matches());
    }
    assertThat(StructuredEvent.isJsonContentType(null)).isTrue();
  }
}
