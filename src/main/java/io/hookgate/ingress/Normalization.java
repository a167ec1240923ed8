package io.hookgate.ingress;

/**
 * What {@link WebhookNormalizer} makes of a webhook's body: a {@link Refusal}, or an {@link IngressEvent} to
 * publish.
 */
public sealed interface Normalization permits IngressEvent, Refusal {
}
