package io.hookgate.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The opaque cursor of the management API's lists: the id of the last item of the page before, in base64url, so
 * that the next page starts after that item however the list changed meanwhile.
 */
public final class PageCursor {
  private PageCursor() {
  }

  /** A cursor a client was not given: answered as a 400 naming the query parameter. */
  public static final class InvalidCursorException extends IllegalArgumentException {
    public InvalidCursorException() {
      super("query parameter cursor: not a cursor this API gave (nextCursor)");
    }
  }

  /** The cursor of a page whose last item has this id. */
  public static String after(String lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
  }

  /** The id a cursor names; null for no cursor. */
  public static String id(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!id.isEmpty()) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // not base64url: refused below
    }
    throw new InvalidCursorException();
  }

  /**
   * Where the page after the cursor starts in {@code items}: after the item it names, 0 without a cursor or when
   * that item is no longer listed (the list is short and kept in memory: starting again repeats, never skips).
   */
  public static <T> int start(List<T> items, String cursor, Function<T, String> idOf) {
    String after = id(cursor);
    if (after == null) {
      return 0;
    }
    for (int i = 0; i < items.size(); i++) {
      if (idOf.apply(items.get(i)).equals(after)) {
        return i + 1;
      }
    }
    return 0;
  }
}
