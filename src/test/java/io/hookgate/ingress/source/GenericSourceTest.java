package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.assertRefused;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static io.hookgate.ingress.source.SourceFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.GenericMapping;
import io.hookgate.event.NormalizedEvent;
import org.junit.jupiter.api.Test;

class GenericSourceTest {
  private final GenericSource standardWebhooks = new GenericSource(
      new GenericMapping("/type", "/data/projectId", null, "/data/id"));

  @Test
  void aMissingEventTypeIsRefusedNamingThePointedField() {
    ObjectNode body = fixture("generic-standard-webhooks.json");
    body.remove("type");
    assertRefused(standardWebhooks, body, "type");
    assertRefused(standardWebhooks, fixture("generic-standard-webhooks.json").put("type", ""), "type");
    ObjectNode notText = fixture("generic-standard-webhooks.json");
    notText.putObject("type");
    assertRefused(standardWebhooks, notText, "type");
    GenericSource nested = new GenericSource(new GenericMapping("/event/name", null, null, null));
    assertRefused(nested, json("{\"event\": {\"id\": 1}}"), "event.name");
    assertRefused(nested, json("\"just a string\""), "event.name");
  }

  @Test
  void theMappedFieldsFillTheEvent() throws Exception {
    NormalizedEvent event = standardWebhooks.normalize("generic", fixture("generic-standard-webhooks.json"));
    assertThat(event.type()).isEqualTo("webhook.received");
    assertThat(event.partitionKey()).isEqualTo("proj_42");
    assertThat(event.subject()).isEqualTo("exp_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    assertThat(event.deliveryId()).isNull();
    assertThat(event.data().platformEventType()).isEqualTo("export.completed");
    assertThat(event.data().projectId()).isEqualTo("proj_42");
    assertThat(event.data().itemId()).isEqualTo("exp_2KWPBgLlAfxdpx2AI54pPJ85f4W");
  }

  @Test
  void theDeliveryIdPointerGivesTheDeliveryId() throws Exception {
    GenericSource relay = new GenericSource(new GenericMapping("/event_type", "/project", "/delivery/id", "/job/id"));
    NormalizedEvent event = relay.normalize("relay", fixture("generic-with-delivery-id.json"));
    assertThat(event.deliveryId()).isEqualTo("dlv_01JD7Q3K5M8N2P4R6T8V0X2Z4B");
    assertThat(event.subject()).isEqualTo("job_991");
    assertThat(event.partitionKey()).isEqualTo("acme-ocr");
  }

  @Test
  void withoutAProjectTheSourceNameIsTheKeyAndProjectIdStaysNull() throws Exception {
    NormalizedEvent event = standardWebhooks.normalize("generic", json("{\"type\": \"ping\"}"));
    assertThat(event.partitionKey()).isEqualTo("generic");
    assertThat(event.data().projectId()).isNull();
    assertThat(event.subject()).isNull();
    assertThat(event.data().annotations()).isEmpty();
  }

  @Test
  void numbersArePointedAtAsTextAndContainersAreIgnored() throws Exception {
    GenericSource source = new GenericSource(new GenericMapping("/0/type", "/0/project", "/0/seq", "/0/subject"));
    NormalizedEvent event = source.normalize("batch",
        json("[{\"type\": \"x\", \"project\": 42, \"seq\": 7, \"subject\": {\"id\": 1}}]"));
    assertThat(event.partitionKey()).isEqualTo("42");
    assertThat(event.deliveryId()).isEqualTo("7");
    assertThat(event.subject()).isNull();
  }

  @Test
  void fractionsAreTheirPlainDecimalValueAndInfiniteNumbersAbsent() throws Exception {
    GenericSource source = new GenericSource(new GenericMapping("/type", "/project", "/seq", "/subject"));
    NormalizedEvent event = source.normalize("g",
        json("{\"type\": \"x\", \"project\": 1.50, \"seq\": 8.0, \"subject\": 1e20}"));
    assertThat(event.partitionKey()).isEqualTo("1.5");
    assertThat(event.deliveryId()).isEqualTo("8");
    assertThat(event.subject()).isEqualTo("100000000000000000000");
    NormalizedEvent huge = source.normalize("g",
        json("{\"type\": \"x\", \"project\": 1e400, \"seq\": 123456789012345678901234567890}"));
    assertThat(huge.partitionKey()).as("no project: the source name").isEqualTo("g");
    assertThat(huge.deliveryId()).isEqualTo("123456789012345678901234567890");
  }
}
