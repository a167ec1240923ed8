package io.hookgate.actions;

/**
 * The topics of the acting side.
 *
 * @param actions what the action consumers execute, and where {@code then} actions go
 * @param retry where actions wait for their next attempt
 * @param deadLetter where given-up actions go
 */
public record ActionTopics(String actions, String retry, String deadLetter) {
}
