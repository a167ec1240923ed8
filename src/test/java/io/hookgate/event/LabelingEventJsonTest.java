package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hookgate.config.GenericMapping;
import io.hookgate.ingress.source.AquariumSource;
import io.hookgate.ingress.source.GenericSource;
import io.hookgate.ingress.source.IsahitSource;
import io.hookgate.ingress.source.KiliSource;
import io.hookgate.ingress.source.V7Source;
import io.hookgate.ingress.source.WebhookSource;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code data} written by hand with the raw body as {@code original} is, byte for byte, what Jackson's databind
 * writes for the same event with the body spliced in as {@code original}: for every platform's fixtures and
 * for values that exercise escaping, nulls and numbers.
 */
class LabelingEventJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WITHOUT_ORIGINAL = MAPPER.copy()
      .addMixIn(LabelingEvent.class, WithoutOriginal.class).writerFor(LabelingEvent.class);
  private final LabelingEventJson json = new LabelingEventJson(MAPPER.getFactory());

  @JsonIgnoreProperties("original")
  private abstract static class WithoutOriginal {
  }

  @ParameterizedTest
  @CsvSource({"kili-onsubmit-three-boxes.json, kili", "kili-onsubmit-one-box.json, kili",
      "kili-onsubmit-classification.json, kili", "kili-onreview.json, kili", "kili-onsubmit-jsonresponse-string.json, kili",
      "v7-item-stage.json, v7", "aquarium-issue-exported.json, aquarium", "aquarium-dataset-complete.json, aquarium",
      "isahit-annotation.json, isahit", "isahit-review.json, isahit", "generic-standard-webhooks.json, generic",
      "generic-with-delivery-id.json, generic-delivery"})
  void everyPlatformsDataIsWrittenAsDatabindWritesIt(String fixture, String kind) throws Exception {
    byte[] raw;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/" + fixture)) {
      raw = in.readAllBytes();
    }
    LabelingEvent data = source(kind).normalize("src", MAPPER.readTree(raw)).data();
    byte[] written = json.write(data, raw);
    assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(new String(databind(data, raw), StandardCharsets.UTF_8));
    assertThat(LabelingEventSchema.errors(MAPPER.readTree(written))).isEmpty();
    // And the CloudEvent the ingress makes carries it.
    NormalizedEvent normalized = source(kind).normalize("src", MAPPER.readTree(raw));
    assertThat(new CloudEventFactory(MAPPER, Clock.systemUTC()).toCloudEvent("id", "src", normalized, null, raw)
        .getData().toBytes()).isEqualTo(written);
  }

  @Test
  void escapesNullsAndNumbersAreWrittenAsDatabindWritesThem() throws Exception {
    String odd = "é ü 日本 \"quoted\" back\\slash </script> \u0001\u001f\t\n \ud83d\ude00";
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("Z." + odd, 3);
    counts.put("A", 0);
    LabelingEvent data = new LabelingEvent("generic", odd, odd, null, odd, null, "", odd, null, null, null, null, null,
        odd, new Author(null, odd, ""), List.of(odd, "", "b"), List.of(
            Annotation.of(odd, null, odd, "bounding_box", new BoundingBox(1e-7, 0.1 + 0.2, 1, 0)),
            new Annotation(null, null, null, "other", null, null),
            new Annotation("x", "j", "c", "polygon", new BoundingBox(0.000123456789, 0.5, 0.333333333, 2.5e-10), 1.0E-4),
            new Annotation("y", "j", "c", "polygon", new BoundingBox(-0.0, 0.0, 1.0, 1e-9), 0.67),
            new Annotation("z", "j", "c", "polygon", new BoundingBox(0.6699999999999999, 1.5, -0.25, 0.001), 4.9E-324)),
        counts, new ExportedIssue(odd, null, "d", List.of(
            new ExportedIssue.Element(null, "crop", odd, null, null, List.of(odd, "u"), null),
            new ExportedIssue.Element("e", null, null, "d", "i", List.of(), odd))),
        null);
    byte[] raw = "{\"any\": [1, 2.50, \"é\"], \"n\": null}".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(json.write(data, raw), StandardCharsets.UTF_8))
        .isEqualTo(new String(databind(data, raw), StandardCharsets.UTF_8));
    LabelingEvent empty = new LabelingEvent("isahit", "s", "t", null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
    assertThat(json.write(empty, "[]".getBytes(StandardCharsets.UTF_8))).isEqualTo(databind(empty, "[]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void roundedFractionsAreWrittenAsDoubleToStringWritesThem() {
    // Checked for every k from 0 to 1e9 once (a few minutes); here the edges and a sample.
    java.util.Random random = new java.util.Random(7);
    List<Long> ks = new java.util.ArrayList<>(List.of(1L, 9L, 10L, 100L, 123L, 999_999L, 1_000_000L, 1_000_001L,
        150_000_000L, 670_000_000L, 999_999_999L, 1_000_000_000L, 100_000L, 500L, 123_456_789L, 10_000_000L));
    for (int i = 0; i < 1_000_000; i++) {
      ks.add(1 + (long) (random.nextDouble() * 1e9));
      ks.add(1 + (long) random.nextInt(2_000_000));
    }
    char[] text = new char[12];
    for (long k : ks) {
      assertThat(new String(text, 0, LabelingEventJson.billionths(k, text))).as("k = %d", k)
          .isEqualTo(Double.toString(k / 1e9));
    }
  }

  /** What databind writes for the event, with the raw body in place of the original's tree. */
  private static byte[] databind(LabelingEvent data, byte[] raw) throws Exception {
    byte[] rest = WITHOUT_ORIGINAL.writeValueAsBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(rest, 0, rest.length - 1);
    out.write(",\"original\":".getBytes(StandardCharsets.UTF_8));
    out.write(raw);
    out.write('}');
    return out.toByteArray();
  }

  private static WebhookSource source(String kind) {
    return switch (kind) {
      case "kili" -> new KiliSource(MAPPER);
      case "v7" -> new V7Source();
      case "aquarium" -> new AquariumSource();
      case "isahit" -> new IsahitSource();
      case "generic-delivery" -> new GenericSource(new GenericMapping("/event_type", "/project", "/delivery/id", "/job/id"));
      default -> new GenericSource(new GenericMapping("/type", "/data/projectId", "/id", "/data/id"));
    };
  }
}
