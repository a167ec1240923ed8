package io.hookgate.event;

/** Who made the label or did the task, as far as the platform says. */
public record Author(String id, String email, String name) {
}
