package io.hookgate.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code data} with the sender's raw body as {@code original}, straight to a JSON generator: the same
 * bytes as Jackson's databind writes for {@link LabelingEvent} (property order, nulls, numbers; the tests
 * compare them for every platform's fixtures), without databind's reflection and serializer lookup per
 * property and value, and without a second copy to splice the body in (bench/: about 3.5 us instead of 5
 * for a 2 KB Kili webhook). A property added to {@link LabelingEvent} or to the records in it must be added
 * here too; the tests fail until it is.
 */
final class LabelingEventJson {
  private static final SerializableString PLATFORM = new SerializedString("platform");
  private static final SerializableString SOURCE = new SerializedString("source");
  private static final SerializableString PLATFORM_EVENT_TYPE = new SerializedString("platformEventType");
  private static final SerializableString PROJECT_ID = new SerializedString("projectId");
  private static final SerializableString WORKSPACE = new SerializedString("workspace");
  private static final SerializableString BATCH_ID = new SerializedString("batchId");
  private static final SerializableString WORKFLOW_ID = new SerializedString("workflowId");
  private static final SerializableString ITEM_ID = new SerializedString("itemId");
  private static final SerializableString ITEM_NAME = new SerializedString("itemName");
  private static final SerializableString TASK_ID = new SerializedString("taskId");
  private static final SerializableString TASK_TYPE = new SerializedString("taskType");
  private static final SerializableString LABEL_ID = new SerializedString("labelId");
  private static final SerializableString LABEL_TYPE = new SerializedString("labelType");
  private static final SerializableString STAGE = new SerializedString("stage");
  private static final SerializableString AUTHOR = new SerializedString("author");
  private static final SerializableString TAGS = new SerializedString("tags");
  private static final SerializableString ANNOTATIONS = new SerializedString("annotations");
  private static final SerializableString ANNOTATION_COUNTS = new SerializedString("annotationCounts");
  private static final SerializableString ISSUE = new SerializedString("issue");
  private static final SerializableString ID = new SerializedString("id");
  private static final SerializableString EMAIL = new SerializedString("email");
  private static final SerializableString NAME = new SerializedString("name");
  private static final SerializableString JOB = new SerializedString("job");
  private static final SerializableString CATEGORY = new SerializedString("category");
  private static final SerializableString KIND = new SerializedString("kind");
  private static final SerializableString BOUNDING_BOX = new SerializedString("boundingBox");
  private static final SerializableString AREA_RATIO = new SerializedString("areaRatio");
  private static final SerializableString X = new SerializedString("x");
  private static final SerializableString Y = new SerializedString("y");
  private static final SerializableString WIDTH = new SerializedString("width");
  private static final SerializableString HEIGHT = new SerializedString("height");
  private static final SerializableString DATASET = new SerializedString("dataset");
  private static final SerializableString ELEMENTS = new SerializedString("elements");
  private static final SerializableString ELEMENT_ID = new SerializedString("elementId");
  private static final SerializableString ELEMENT_TYPE = new SerializedString("elementType");
  private static final SerializableString FRAME_ID = new SerializedString("frameId");
  private static final SerializableString INFERENCE_SET = new SerializedString("inferenceSet");
  private static final SerializableString LABEL_IDS = new SerializedString("labelIds");
  private static final SerializableString IMAGE_URL = new SerializedString("imageUrl");
  private static final byte[] ORIGINAL = ",\"original\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final JsonFactory factory;

  LabelingEventJson(JsonFactory factory) {
    this.factory = factory;
  }

  /** {@code data} with {@code original} = {@code rawOriginal}, one JSON document in UTF-8 without a BOM. */
  byte[] write(LabelingEvent d, byte[] rawOriginal) throws IOException {
    SplicingOutput out = new SplicingOutput(rawOriginal);
    try (JsonGenerator g = factory.createGenerator(out)) {
      // The object is closed after original, by SplicingOutput: the generator must not close it itself.
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      writeWithoutOriginal(g, d);
    }
    return out.finish();
  }

  /**
   * Collects what the generator writes, then {@code ,"original":}, the raw body and the closing brace, in one
   * array of the exact size: the generator buffers up to 8,000 bytes and writes them once when closed, so the
   * array is allocated once, for that write, with room for the rest.
   */
  private static final class SplicingOutput extends OutputStream {
    private final byte[] raw;
    private byte[] buf;
    private int len;

    SplicingOutput(byte[] raw) {
      this.raw = raw;
    }

    @Override
    public void write(int b) {
      reserve(1);
      buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) {
      reserve(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    private void reserve(int n) {
      int tail = ORIGINAL.length + raw.length + 1;
      if (buf == null) {
        buf = new byte[n + tail];
      } else if (len + n + tail > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + tail));
      }
    }

    byte[] finish() {
      reserve(0);
      System.arraycopy(ORIGINAL, 0, buf, len, ORIGINAL.length);
      System.arraycopy(raw, 0, buf, len + ORIGINAL.length, raw.length);
      len += ORIGINAL.length + raw.length;
      buf[len++] = '}';
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
  }

  /** Every property but {@code original}, leaving the object open. */
  private static void writeWithoutOriginal(JsonGenerator g, LabelingEvent d) throws IOException {
    g.writeStartObject();
    string(g, PLATFORM, d.platform());
    string(g, SOURCE, d.source());
    string(g, PLATFORM_EVENT_TYPE, d.platformEventType());
    string(g, PROJECT_ID, d.projectId());
    string(g, WORKSPACE, d.workspace());
    string(g, BATCH_ID, d.batchId());
    string(g, WORKFLOW_ID, d.workflowId());
    string(g, ITEM_ID, d.itemId());
    string(g, ITEM_NAME, d.itemName());
    string(g, TASK_ID, d.taskId());
    string(g, TASK_TYPE, d.taskType());
    string(g, LABEL_ID, d.labelId());
    string(g, LABEL_TYPE, d.labelType());
    string(g, STAGE, d.stage());
    g.writeFieldName(AUTHOR);
    Author author = d.author();
    if (author == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      string(g, ID, author.id());
      string(g, EMAIL, author.email());
      string(g, NAME, author.name());
      g.writeEndObject();
    }
    g.writeFieldName(TAGS);
    strings(g, d.tags());
    g.writeFieldName(ANNOTATIONS);
    g.writeStartArray();
    char[] text = new char[12]; // where numbers are formatted
    for (Annotation a : d.annotations()) {
      annotation(g, a, text);
    }
    g.writeEndArray();
    g.writeFieldName(ANNOTATION_COUNTS);
    g.writeStartObject();
    for (Map.Entry<String, Integer> e : d.annotationCounts().entrySet()) {
      g.writeFieldName(e.getKey());
      if (e.getValue() == null) {
        g.writeNull();
      } else {
        g.writeNumber(e.getValue().intValue());
      }
    }
    g.writeEndObject();
    g.writeFieldName(ISSUE);
    issue(g, d.issue());
  }

  private static void annotation(JsonGenerator g, Annotation a, char[] text) throws IOException {
    if (a == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    string(g, ID, a.id());
    string(g, JOB, a.job());
    string(g, CATEGORY, a.category());
    string(g, KIND, a.kind());
    g.writeFieldName(BOUNDING_BOX);
    BoundingBox box = a.boundingBox();
    if (box == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      g.writeFieldName(X);
      number(g, box.x(), text);
      g.writeFieldName(Y);
      number(g, box.y(), text);
      g.writeFieldName(WIDTH);
      number(g, box.width(), text);
      g.writeFieldName(HEIGHT);
      number(g, box.height(), text);
      g.writeEndObject();
    }
    g.writeFieldName(AREA_RATIO);
    if (a.areaRatio() == null) {
      g.writeNull();
    } else {
      number(g, a.areaRatio(), text);
    }
    g.writeEndObject();
  }

  private static void issue(JsonGenerator g, ExportedIssue issue) throws IOException {
    if (issue == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    string(g, ID, issue.id());
    string(g, NAME, issue.name());
    string(g, DATASET, issue.dataset());
    g.writeFieldName(ELEMENTS);
    if (issue.elements() == null) {
      g.writeNull();
    } else {
      g.writeStartArray();
      for (ExportedIssue.Element e : issue.elements()) {
        if (e == null) {
          g.writeNull();
          continue;
        }
        g.writeStartObject();
        string(g, ELEMENT_ID, e.elementId());
        string(g, ELEMENT_TYPE, e.elementType());
        string(g, FRAME_ID, e.frameId());
        string(g, DATASET, e.dataset());
        string(g, INFERENCE_SET, e.inferenceSet());
        g.writeFieldName(LABEL_IDS);
        strings(g, e.labelIds());
        string(g, IMAGE_URL, e.imageUrl());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /**
   * A double as databind writes it, i.e. as {@link Double#toString}. Boxes and area ratios are fractions rounded
   * to 9 decimals ({@link BoundingBox#round}): such a value is k / 1e9 for an integer k, and is written from
   * k's digits without Double.toString, which costs more than the rest of a box. Double.toString(k / 1e9) was
   * checked equal to {@link #billionths} for every k from 0 to 1e9 (JDK 17; the test samples it). Any other
   * value is written by the generator.
   */
  private static void number(JsonGenerator g, double d, char[] text) throws IOException {
    if (d > 0 && d <= 1) {
      long k = Math.round(d * 1e9);
      if (k / 1e9 == d) {
        g.writeNumber(text, 0, billionths(k, text));
        return;
      }
    }
    g.writeNumber(d);
  }

  /**
   * k / 1e9 for 0 < k <= 1e9 as Double.toString writes it: 0.15, 1.0, 0.001, 1.23E-7; returns the length.
   * In int arithmetic, digits written once and trailing zeros trimmed from the text afterwards: the long
   * divisions of a first version (strip zeros, count digits, then write) were a tenth of the ingress's
   * event-loop samples under load.
   */
  static int billionths(long k, char[] out) {
    if (k == 1_000_000_000L) {
      out[0] = '1';
      out[1] = '.';
      out[2] = '0';
      return 3;
    }
    int v = (int) k;
    if (v >= 1_000_000) {
      // At least 0.001: plain, "0." and the nine fraction digits without their trailing zeros.
      out[0] = '0';
      out[1] = '.';
      return NineDigits.fraction(v, out, 2);
    }
    // Below 0.001: d.ddd E-x, with at least one digit after the point.
    int n = v >= 100_000 ? 6 : v >= 10_000 ? 5 : v >= 1_000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
    int exponent = 9 - (n - 1);
    out[0] = (char) ('0' + v / TENS[n - 1]);
    out[1] = '.';
    int rest = v % TENS[n - 1];
    int len = 2;
    for (int i = n - 2; i >= 0; i--) {
      out[len++] = (char) ('0' + rest / TENS[i] % 10);
    }
    while (len > 3 && out[len - 1] == '0') {
      len--;
    }
    if (len == 2) {
      out[len++] = '0';
    }
    out[len] = 'E';
    out[len + 1] = '-';
    out[len + 2] = (char) ('0' + exponent);
    return len + 3;
  }

  private static final int[] TENS = {1, 10, 100, 1_000, 10_000, 100_000};

  private static void strings(JsonGenerator g, List<String> values) throws IOException {
    if (values == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
    g.writeFieldName(name);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeString(value);
    }
  }
}
