package io.hookgate.ingress.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.Author;
import io.hookgate.event.BoundingBox;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Kili webhook straight from its JSON tokens into the event {@link KiliSource#normalize} makes of
 * its tree, without building the tree: a tree costs a map per JSON object and a node per value, about a quarter of
 * the ingress's CPU per webhook (bench/README.md). Only the shape Kili sends is read here: every field used
 * is absent or of the type Kili gives it, appears once in its object, and the required ones are there.
 * Anything else (a missing or mistyped field, a number where Kili sends a string, a duplicate key, a
 * {@code jsonResponse} given as a JSON string, malformed JSON) makes {@link #read} give up and return null,
 * and the caller reads the body as a tree: every refusal, with its message naming the field, and every odd
 * case keep the one tree-based reading. The tests check that both readings agree wherever this one answers.
 *
 * <p>Every string value is decoded even where it is not used ({@link JsonParser#finishToken}), so that the
 * body is validated exactly as the tree parser validates it before it is embedded as {@code data.original}.
 *
 * <p>Over 400 lines because it reads, token by token, every part of Kili's payload that {@link KiliSource} reads
 * from the tree (labels, annotations, their kinds and geometry): kept only because the side-by-side benchmark
 * shows it saves 16-30% of the ingress's CPU per Kili webhook (bench/README.md, "Library first").
 */
final class KiliTokenReader {
  /** Thrown to give up; preallocated and without a stack trace, as it is control flow. */
  private static final class Unusual extends Exception {
    private static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super("not the usual shape of a Kili webhook", null, false, false);
    }
  }

  /**
   * The fields of an object in the order Kili writes them. Each name is first matched against the one
   * expected next, byte by byte ({@link JsonParser#nextFieldName(com.fasterxml.jackson.core.SerializableString)}),
   * which skips the parser's symbol-table lookup: under load, that lookup (hash collisions between short names
   * such as {@code x} and {@code y}) was a tenth of the event loop. Once a name comes out of order, the rest of
   * the object is read by the usual lookup: the order only saves time, the names read are the same.
   */
  private static final class FieldOrder {
    private final SerializedString[] names;

    FieldOrder(String... names) {
      this.names = new SerializedString[names.length];
      for (int i = 0; i < names.length; i++) {
        this.names[i] = new SerializedString(names[i]);
      }
    }

    /** The next field's name, or null at the end of the object; {@code at} is where the order is (0 at first). */
    String next(JsonParser p, int at) throws IOException {
      if (at >= names.length) {
        return p.nextFieldName();
      }
      SerializedString expected = names[at];
      if (p.nextFieldName(expected)) {
        return expected.getValue();
      }
      return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    /** Where the order is after the name {@link #next} returned at {@code at}: past the order once it broke. */
    int after(int at, String name) {
      return at < names.length && name == names[at].getValue() ? at + 1 : names.length;
    }
  }

  private static final FieldOrder ROOT = new FieldOrder("eventType", "logPayload", "payload");
  private static final FieldOrder LOG_PAYLOAD = new FieldOrder("runId", "projectId");
  private static final FieldOrder PAYLOAD = new FieldOrder("asset_id", "label");
  private static final FieldOrder LABEL = new FieldOrder("id", "labelType", "authorId", "author", "search",
      "jsonResponse");
  private static final FieldOrder AUTHOR = new FieldOrder("id", "email", "firstname", "lastname");
  private static final FieldOrder SEARCH = new FieldOrder("numberOfAnnotations", "numberOfAnnotationsByObject");
  private static final FieldOrder JOB = new FieldOrder("annotations");
  private static final FieldOrder ANNOTATION = new FieldOrder("boundingPoly", "categories", "children", "mid", "type");
  private static final FieldOrder POLYGON = new FieldOrder("normalizedVertices");
  private static final FieldOrder VERTEX = new FieldOrder("x", "y");
  private static final FieldOrder CATEGORY = new FieldOrder("name");

  private final JsonFactory factory;

  KiliTokenReader(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * @param body one JSON document in UTF-8
   * @param original what the event carries as {@code data.original}
   * @return the event, or null when the body is not in the usual shape (then read the tree)
   */
  NormalizedEvent read(String sourceName, byte[] body, JsonNode original) {
    try (JsonParser p = factory.createParser(body)) {
      Body b = new Body();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      readRoot(p, b);
      if (p.nextToken() != null) {
        return null; // trailing content: the tree reader refuses it
      }
      return b.toEvent(sourceName, original);
    } catch (Unusual | IOException e) {
      return null;
    }
  }

  /** What the tree reading uses, as read from the tokens. */
  private static final class Body {
    String eventType;
    String projectId;
    boolean payload;
    String assetId;
    Label label;

    NormalizedEvent toEvent(String sourceName, JsonNode original) throws Unusual {
      if (eventType == null || eventType.isEmpty() || projectId == null || projectId.isEmpty()) {
        throw Unusual.INSTANCE;
      }
      String type = KiliSource.neutralType(eventType);
      LabelingEvent.Builder event = LabelingEvent.builder("kili", sourceName, original)
          .platformEventType(eventType)
          .projectId(projectId);
      if (!type.equals(EventTypes.WEBHOOK_RECEIVED)) {
        if (!payload || label == null || assetId == null || assetId.isEmpty()) {
          throw Unusual.INSTANCE;
        }
        label.fill(event);
      }
      event.itemId(assetId);
      return new NormalizedEvent(type, assetId, projectId, null, event.build());
    }
  }

  private static final class Label {
    String id;
    String labelType;
    String authorId;
    String authorObjectId;
    String email;
    String firstname;
    String lastname;
    List<Annotation> annotations = List.of();
    Map<String, Integer> counts;

    void fill(LabelingEvent.Builder event) {
      event.labelId(id);
      event.labelType(labelType);
      String who = authorObjectId != null && !authorObjectId.isEmpty() ? authorObjectId
          : authorId != null && !authorId.isEmpty() ? authorId : null;
      if (who != null || email != null) {
        event.author(new Author(who, email, KiliSource.join(firstname, lastname)));
      }
      event.annotations(annotations);
      if (counts != null) {
        event.annotationCounts(counts);
      }
    }
  }

  // --- the objects read, one method each; each is entered on START_OBJECT and leaves on its END_OBJECT ---

  private static void readRoot(JsonParser p, Body b) throws IOException, Unusual {
    int seen = 0;
    String name;
    int at = 0;
    while ((name = ROOT.next(p, at)) != null) {
      at = ROOT.after(at, name);
      switch (name) {
        case "eventType" -> {
          seen = once(seen, 1);
          b.eventType = text(p);
        }
        case "logPayload" -> {
          seen = once(seen, 2);
          if (p.nextToken() == JsonToken.START_OBJECT) {
            b.projectId = readLogPayload(p);
          } else {
            skipValue(p);
          }
        }
        case "payload" -> {
          seen = once(seen, 4);
          if (p.nextToken() == JsonToken.START_OBJECT) {
            b.payload = true;
            readPayload(p, b);
          } else {
            skipValue(p);
          }
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
  }

  private static String readLogPayload(JsonParser p) throws IOException, Unusual {
    String projectId = null;
    boolean seen = false;
    String name;
    int at = 0;
    while ((name = LOG_PAYLOAD.next(p, at)) != null) {
      at = LOG_PAYLOAD.after(at, name);
      if (name.equals("projectId")) {
        seen = onceFlag(seen);
        projectId = text(p);
      } else {
        skip(p);
      }
    }
    endOfObject(p);
    return projectId;
  }

  private static void readPayload(JsonParser p, Body b) throws IOException, Unusual {
    int seen = 0;
    String name;
    int at = 0;
    while ((name = PAYLOAD.next(p, at)) != null) {
      at = PAYLOAD.after(at, name);
      switch (name) {
        case "asset_id" -> {
          seen = once(seen, 1);
          b.assetId = text(p);
        }
        case "label" -> {
          seen = once(seen, 2);
          if (p.nextToken() == JsonToken.START_OBJECT) {
            b.label = readLabel(p);
          } else {
            skipValue(p);
          }
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
  }

  private static Label readLabel(JsonParser p) throws IOException, Unusual {
    Label l = new Label();
    int seen = 0;
    String name;
    int at = 0;
    while ((name = LABEL.next(p, at)) != null) {
      at = LABEL.after(at, name);
      switch (name) {
        case "id" -> {
          seen = once(seen, 1);
          l.id = text(p);
        }
        case "labelType" -> {
          seen = once(seen, 2);
          l.labelType = text(p);
        }
        case "authorId" -> {
          seen = once(seen, 4);
          l.authorId = text(p);
        }
        case "author" -> {
          seen = once(seen, 8);
          if (p.nextToken() == JsonToken.START_OBJECT) {
            readAuthor(p, l);
          } else {
            skipValue(p);
          }
        }
        case "jsonResponse" -> {
          seen = once(seen, 16);
          JsonToken t = p.nextToken();
          if (t == JsonToken.START_OBJECT) {
            l.annotations = readJsonResponse(p);
          } else if (t == JsonToken.VALUE_STRING) {
            throw Unusual.INSTANCE; // JSON in a string, as Kili's GraphQL API gives it: the tree reading parses it
          } else {
            skipValue(p);
          }
        }
        case "search" -> {
          seen = once(seen, 32);
          if (p.nextToken() == JsonToken.START_OBJECT) {
            l.counts = readSearch(p);
          } else {
            skipValue(p);
          }
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
    return l;
  }

  private static void readAuthor(JsonParser p, Label l) throws IOException, Unusual {
    int seen = 0;
    String name;
    int at = 0;
    while ((name = AUTHOR.next(p, at)) != null) {
      at = AUTHOR.after(at, name);
      switch (name) {
        case "id" -> {
          seen = once(seen, 1);
          l.authorObjectId = text(p);
        }
        case "email" -> {
          seen = once(seen, 2);
          l.email = text(p);
        }
        case "firstname" -> {
          seen = once(seen, 4);
          l.firstname = text(p);
        }
        case "lastname" -> {
          seen = once(seen, 8);
          l.lastname = text(p);
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
  }

  /** {@code search.numberOfAnnotationsByObject}: null when there is no such object. */
  private static Map<String, Integer> readSearch(JsonParser p) throws IOException, Unusual {
    Map<String, Integer> counts = null;
    boolean seen = false;
    String name;
    int at = 0;
    while ((name = SEARCH.next(p, at)) != null) {
      at = SEARCH.after(at, name);
      if (!name.equals("numberOfAnnotationsByObject")) {
        skip(p);
        continue;
      }
      seen = onceFlag(seen);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        skipValue(p);
        continue;
      }
      counts = new LinkedHashMap<>();
      Set<String> keys = new HashSet<>();
      String key;
      while ((key = p.nextFieldName()) != null) {
        if (!keys.add(key)) {
          throw Unusual.INSTANCE;
        }
        JsonToken t = p.nextToken();
        // An int that fits, not negative; as in the tree reading, other values are dropped.
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 0) {
          counts.put(key, p.getIntValue());
        } else {
          skipValue(p);
        }
      }
      endOfObject(p);
    }
    endOfObject(p);
    return counts;
  }

  /** Per job, in the order of the jobs: its annotations, then its categories, then its transcription. */
  private static List<Annotation> readJsonResponse(JsonParser p) throws IOException, Unusual {
    List<Annotation> out = new ArrayList<>();
    Set<String> jobs = new HashSet<>();
    String job;
    while ((job = p.nextFieldName()) != null) {
      if (!jobs.add(job) || KiliSource.isFrameIndex(job)) {
        throw Unusual.INSTANCE; // a video's frames, or a repeated key: the tree reading handles both
      }
      if (p.nextToken() == JsonToken.START_OBJECT) {
        readJob(p, job, out);
      } else {
        skipValue(p); // not an object: the tree reading finds nothing in it either
      }
    }
    endOfObject(p);
    return out;
  }

  private static void readJob(JsonParser p, String job, List<Annotation> out) throws IOException, Unusual {
    List<Annotation> annotations = List.of();
    List<Annotation> categories = List.of();
    boolean text = false;
    int seen = 0;
    String name;
    int at = 0;
    while ((name = JOB.next(p, at)) != null) {
      at = JOB.after(at, name);
      switch (name) {
        case "annotations" -> {
          seen = once(seen, 1);
          annotations = readList(p, job, false);
        }
        case "categories" -> {
          seen = once(seen, 2);
          categories = readList(p, job, true);
        }
        case "text" -> {
          seen = once(seen, 4);
          text = p.nextToken() == JsonToken.VALUE_STRING;
          skipValue(p);
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
    out.addAll(annotations);
    out.addAll(categories);
    if (text) {
      out.add(Annotation.of(null, job, null, "transcription", null));
    }
  }

  /** A job's annotations, or its classification categories. */
  private static List<Annotation> readList(JsonParser p, String job, boolean classification)
      throws IOException, Unusual {
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_OBJECT) {
      throw Unusual.INSTANCE; // the tree reading iterates an object's values: rare enough to leave to it
    }
    if (t != JsonToken.START_ARRAY) {
      skipValue(p);
      return List.of();
    }
    List<Annotation> out = new ArrayList<>();
    while ((t = next(p)) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw Unusual.INSTANCE;
      }
      out.add(classification ? readCategory(p, job) : readAnnotation(p, job));
    }
    return out;
  }

  private static Annotation readCategory(JsonParser p, String job) throws IOException, Unusual {
    String category = null;
    boolean seen = false;
    String name;
    int at = 0;
    while ((name = CATEGORY.next(p, at)) != null) {
      at = CATEGORY.after(at, name);
      if (name.equals("name")) {
        seen = onceFlag(seen);
        category = text(p);
      } else {
        skip(p);
      }
    }
    endOfObject(p);
    return Annotation.of(null, job, category, "classification", null);
  }

  private static Annotation readAnnotation(JsonParser p, String job) throws IOException, Unusual {
    String mid = null;
    String type = null;
    String category = null;
    BoundingBox box = null;
    int seen = 0;
    String name;
    int at = 0;
    while ((name = ANNOTATION.next(p, at)) != null) {
      at = ANNOTATION.after(at, name);
      switch (name) {
        case "mid" -> {
          seen = once(seen, 1);
          mid = text(p);
        }
        case "type" -> {
          seen = once(seen, 2);
          type = text(p);
        }
        case "categories" -> {
          seen = once(seen, 4);
          category = firstCategory(p);
        }
        case "boundingPoly" -> {
          seen = once(seen, 8);
          box = box(p);
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
    return Annotation.of(mid, job, category, KiliSource.kind(type), box);
  }

  /** {@code categories.0.name}. */
  private static String firstCategory(JsonParser p) throws IOException, Unusual {
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_OBJECT) {
      throw Unusual.INSTANCE; // the tree reading would look up a field named "0"
    }
    if (t != JsonToken.START_ARRAY) {
      skipValue(p);
      return null;
    }
    String category = null;
    boolean first = true;
    while ((t = next(p)) != JsonToken.END_ARRAY) {
      if (first && t == JsonToken.START_OBJECT) {
        boolean seen = false;
        String name;
        int at = 0;
        while ((name = CATEGORY.next(p, at)) != null) {
          at = CATEGORY.after(at, name);
          if (name.equals("name")) {
            seen = onceFlag(seen);
            category = text(p);
          } else {
            skip(p);
          }
        }
        endOfObject(p);
      } else {
        skipValue(p);
      }
      first = false;
    }
    return category;
  }

  /**
   * {@code boundingPoly.0.normalizedVertices}: the box enclosing them when there is at least one and every
   * one has numbers x and y; else null.
   */
  private static BoundingBox box(JsonParser p) throws IOException, Unusual {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      skipValue(p);
      return null;
    }
    List<double[]> points = null;
    boolean valid = false;
    boolean first = true;
    while ((t = next(p)) != JsonToken.END_ARRAY) {
      if (first && t == JsonToken.START_OBJECT) {
        boolean seen = false;
        String name;
        int at = 0;
        while ((name = POLYGON.next(p, at)) != null) {
          at = POLYGON.after(at, name);
          if (!name.equals("normalizedVertices")) {
            skip(p);
            continue;
          }
          seen = onceFlag(seen);
          if (p.nextToken() != JsonToken.START_ARRAY) {
            skipValue(p);
            continue;
          }
          points = new ArrayList<>(4);
          valid = true;
          while ((t = next(p)) != JsonToken.END_ARRAY) {
            double[] point = t == JsonToken.START_OBJECT ? vertex(p) : null;
            if (point == null) {
              if (t != JsonToken.START_OBJECT) {
                skipValue(p);
              }
              valid = false;
            } else {
              points.add(point);
            }
          }
        }
        endOfObject(p);
      } else {
        skipValue(p);
      }
      first = false;
    }
    return valid && !points.isEmpty() ? BoundingBox.enclosing(points) : null;
  }

  /** One vertex {x, y}, entered on its START_OBJECT; null unless both are numbers. */
  private static double[] vertex(JsonParser p) throws IOException, Unusual {
    double x = 0;
    double y = 0;
    int seen = 0;
    int numbers = 0;
    String name;
    int at = 0;
    while ((name = VERTEX.next(p, at)) != null) {
      at = VERTEX.after(at, name);
      switch (name) {
        case "x" -> {
          seen = once(seen, 1);
          if (number(p.nextToken())) {
            x = doubleValue(p);
            numbers |= 1;
          } else {
            skipValue(p);
          }
        }
        case "y" -> {
          seen = once(seen, 2);
          if (number(p.nextToken())) {
            y = doubleValue(p);
            numbers |= 2;
          } else {
            skipValue(p);
          }
        }
        default -> skip(p);
      }
    }
    endOfObject(p);
    return numbers == 3 ? new double[] {x, y} : null;
  }

  // --- tokens ---

  /** An int or a float: the tree reading's {@code isNumber()}; both give the same double for the same text. */
  private static boolean number(JsonToken t) {
    return t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT;
  }

  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
      1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /**
   * The current number as a double, the same as {@link JsonParser#getDoubleValue} (the tree's value), without
   * making a String of it: a number of at most 15 significant digits and a decimal exponent within 22 is
   * its digits, an exact double, multiplied or divided by an exact power of ten, one correctly rounded
   * operation, so the result is the correctly rounded value of the text, as Double.parseDouble's (Clinger's
   * fast path, which the JDK takes too). Others, rare in coordinates, go through the parser.
   */
  static double doubleValue(JsonParser p) throws IOException {
    char[] text = p.getTextCharacters();
    int i = p.getTextOffset();
    int end = i + p.getTextLength();
    boolean negative = text[i] == '-';
    if (negative) {
      i++;
    }
    long digits = 0;
    int significant = 0;
    int scale = 0; // digits after the decimal point
    boolean point = false;
    for (; i < end; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        if (significant > 0 || c != '0') {
          if (++significant > 15) {
            return p.getDoubleValue();
          }
        }
        digits = digits * 10 + (c - '0');
        if (point) {
          scale++;
        }
      } else if (c == '.') {
        point = true;
      } else {
        break; // an exponent: left to the parser
      }
    }
    if (i != end || scale > 22) {
      return p.getDoubleValue();
    }
    double value = digits / POWERS_OF_TEN[scale];
    // -0 as an integer is the int 0 in the tree, +0.0 as a double; -0.0 is -0.0.
    return negative && (digits != 0 || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) ? -value : value;
  }

  /** The next token within a container, whose end the parser reports before the end of the content. */
  private static JsonToken next(JsonParser p) throws IOException, Unusual {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw Unusual.INSTANCE;
    }
    return t;
  }

  /**
   * The next value as the tree reading's {@code Fields.text}: a string; null for null, a boolean, an object or
   * an array. A number, which the tree reading would turn into its text, is left to it.
   */
  private static String text(JsonParser p) throws IOException, Unusual {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      throw Unusual.INSTANCE;
    }
    skipValue(p);
    return null;
  }

  /** Skips the value of the field just read. */
  private static void skip(JsonParser p) throws IOException {
    p.nextToken();
    skipValue(p);
  }

  /** Skips the current value, decoding its strings so the body is validated as the tree parser does. */
  private static void skipValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      p.finishToken();
      return;
    }
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return;
    }
    int depth = 1;
    while (depth > 0) {
      t = p.nextToken();
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of content");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_STRING -> p.finishToken();
        default -> {
        }
      }
    }
  }

  private static void endOfObject(JsonParser p) throws Unusual {
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw Unusual.INSTANCE;
    }
  }

  /** Marks a field seen; a second one gives up, as the tree keeps only one of them. */
  private static int once(int seen, int bit) throws Unusual {
    if ((seen & bit) != 0) {
      throw Unusual.INSTANCE;
    }
    return seen | bit;
  }

  private static boolean onceFlag(boolean seen) throws Unusual {
    if (seen) {
      throw Unusual.INSTANCE;
    }
    return true;
  }
}
