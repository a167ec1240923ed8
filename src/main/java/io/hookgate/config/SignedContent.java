package io.hookgate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What a timestamped signature is computed over, written as a template: {@code {t}} stands for the timestamp
 * as the header gives it, {@code {body}} for the raw body, anything else is literal text. Stripe's and V7's
 * {@code "{t}.{body}"} is the default. The template must hold the body once and the timestamp at least once:
 * a signature that does not cover the timestamp would let a captured request be replayed with a new one.
 *
 * <p>A class rather than a record so that the configuration sees it as one scalar (an environment variable
 * can set it, as any other string key).
 */
public final class SignedContent {
  /** Stripe's, and V7's as far as its documentation shows. */
  public static final SignedContent TIMESTAMP_DOT_BODY = parse("{t}.{body}");

  private final String template;
  private final List<Part> parts;

  /** One piece of the signed content. */
  public sealed interface Part permits Literal, Timestamp, Body {
  }

  /** Text signed as it is, in UTF-8. */
  public record Literal(String text) implements Part {
  }

  /** The timestamp's text, exactly as the header carries it. */
  public record Timestamp() implements Part {
  }

  /** The raw body, byte for byte. */
  public record Body() implements Part {
  }

  private SignedContent(String template, List<Part> parts) {
    this.template = template;
    this.parts = List.copyOf(parts);
  }

  public String template() {
    return template;
  }

  /** The template cut into literals and placeholders, in order. */
  public List<Part> parts() {
    return parts;
  }

  /** Reads a template; an IllegalArgumentException says what is wrong, for the config error of its key. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SignedContent parse(String template) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int bodies = 0;
    int timestamps = 0;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '{') {
        literal.append(c);
        i++;
        continue;
      }
      int close = template.indexOf('}', i);
      String name = close < 0 ? template.substring(i) : template.substring(i + 1, close);
      if (close < 0 || !(name.equals("t") || name.equals("body"))) {
        throw new IllegalArgumentException("'" + (close < 0 ? name : "{" + name + "}")
            + "' is not a placeholder; the placeholders are {t} (the timestamp) and {body} (the raw body)");
      }
      if (!literal.isEmpty()) {
        parts.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      if (name.equals("t")) {
        parts.add(new Timestamp());
        timestamps++;
      } else {
        parts.add(new Body());
        bodies++;
      }
      i = close + 1;
    }
    if (!literal.isEmpty()) {
      parts.add(new Literal(literal.toString()));
    }
    if (bodies != 1 || timestamps == 0) {
      throw new IllegalArgumentException("'" + template + "' must hold {body} once and {t} at least once"
          + " (a signature that does not cover the timestamp does not stop replays)");
    }
    return new SignedContent(template, parts);
  }

  @JsonValue
  @Override
  public String toString() {
    return template;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedContent other && template.equals(other.template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }
}
