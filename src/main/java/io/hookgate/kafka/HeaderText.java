package io.hookgate.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A record header's value as text: what hookgate's headers ({@code ce_*}, {@code hookgate-*}) hold. */
public final class HeaderText {
  private HeaderText() {
  }

  /** The last value of header {@code name} decoded as UTF-8, or null when there is none. */
  public static String last(Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
