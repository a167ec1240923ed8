package io.hookgate.connections;

/** The platform refused a call, or answered what cannot be read; the message names no secret. */
final class PlatformException extends RuntimeException {
  PlatformException(String message) {
    super(message, null, false, false);
  }
}
