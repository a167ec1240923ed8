package io.hookgate.subscriptions;

import io.hookgate.subscriptions.StateRecord.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command does to the current state of its subscription: plain code, applied by the one writer of the
 * command's partition, in order, so that every change sees the state the previous one left.
 */
final class SubscriptionChanges {

  /**
   * The result of a command.
   *
   * @param next the subscription after it (the current one when nothing changed; null once deleted or absent)
   * @param message for a refusal, why
   */
  record Change(Result result, Subscription next, String message) {
  }

  private final SubscriptionCodec codec;

  SubscriptionChanges(SubscriptionCodec codec) {
    this.codec = codec;
  }

  Change apply(Subscription current, SubscriptionCommand c, Instant now) {
    if (c.ifRevision() != null && (current == null || current.revision() != c.ifRevision())) {
      return new Change(Result.conflict, current, null);
    }
    if (c.op() == SubscriptionCommand.Op.create || c.op() == SubscriptionCommand.Op.put) {
      return write(current, c, now);
    }
    if (current == null) {
      return new Change(Result.notFound, null, null);
    }
    return switch (c.op()) {
      case delete -> new Change(Result.deleted, null, null);
      case pause -> current.pause() != null && !current.pause().resuming() ? unchanged(current)
          // Paused again while resuming: held from where it was first held, so nothing held is skipped.
          : updated(current.withPause(new PauseState(now, c.reason(), false,
              current.pause() == null ? null : current.pause().heldFrom()), now));
      case resume -> resume(current, now);
      case disable -> current.disabled() != null || !current.active() ? unchanged(current)
          : updated(current.withDisabled(new Subscription.Disabled(now, c.reason()), now));
      case held -> current.pause() == null || current.pause().heldFrom() != null ? unchanged(current)
          : updated(current.withPause(current.pause().withHeldFrom(c.offset()), now));
      case resumed -> current.pause() == null || !current.pause().resuming() ? unchanged(current)
          : updated(current.withPause(null, now));
      case addProject -> {
        SubscriptionFilter f = current.filter().withProject(c.project());
        yield f.equals(current.filter()) ? unchanged(current) : updated(current.withFilter(f, now));
      }
      case removeProject -> {
        if (current.filter().projects() == null) {
          yield new Change(Result.refused, current, "the subscription matches every project (filter.projects is "
              + "absent); set filter.projects to the projects it should match first");
        }
        yield !current.filter().projects().contains(c.project()) ? unchanged(current)
            : updated(current.withFilter(current.filter().withoutProject(c.project()), now));
      }
      case rotateSecret -> updated(current.withSecrets(rotate(current, c, now), now));
      default -> throw new IllegalArgumentException("unknown command " + c.op());
    };
  }

  /** Resumes a pause, and enables a subscription hookgate disabled. */
  private static Change resume(Subscription current, Instant now) {
    Subscription next = current.disabled() == null ? current : current.withDisabled(null, now);
    if (current.pause() != null && !current.pause().resuming()) {
      // Nothing held yet: no consumer had started holding its deliveries, so there is nothing to deliver first.
      next = next.withPause(current.pause().heldFrom() == null ? null : current.pause().resumed(), now);
    }
    return next == current ? unchanged(current) : updated(next);
  }

  private Change write(Subscription current, SubscriptionCommand c, Instant now) {
    if (current != null && c.op() == SubscriptionCommand.Op.create) {
      return new Change(Result.exists, current, null);
    }
    Subscription asked = codec.decode(c.subscription()).subscription();
    if (current == null) {
      SigningSecret secret = new SigningSecret(codec.unseal(c.id(), c.secret().secret(), c.secret().createdAt()),
          c.secret().createdAt(), null);
      return new Change(Result.created, new Subscription(c.id(), asked.url(), asked.description(), asked.filter(),
          asked.format(), asked.headers(), asked.active(), asked.settings(), List.of(secret), null, now, now, 1), null);
    }
    // A replacement keeps what is not the client's to set: the secrets, the pause, when it was created.
    return new Change(Result.replaced, new Subscription(c.id(), asked.url(), asked.description(), asked.filter(),
        asked.format(), asked.headers(), asked.active(), asked.settings(), current.secrets(), current.pause(),
        current.createdAt(), now, current.revision() + 1), null);
  }

  private List<SigningSecret> rotate(Subscription current, SubscriptionCommand c, Instant now) {
    List<SigningSecret> out = new ArrayList<>();
    out.add(new SigningSecret(codec.unseal(c.id(), c.secret().secret(), c.secret().createdAt()),
        c.secret().createdAt(), null));
    Instant overlapEnd = now.plus(Duration.ofMillis(c.overlapMs() == null ? 0 : c.overlapMs()));
    for (SigningSecret s : current.secrets()) {
      Instant expires = s.expiresAt() == null ? overlapEnd : s.expiresAt();
      if (expires.isAfter(now)) {
        out.add(new SigningSecret(s.secret(), s.createdAt(), expires));
      }
    }
    return out;
  }

  private static Change unchanged(Subscription s) {
    return new Change(Result.unchanged, s, null);
  }

  private static Change updated(Subscription s) {
    return new Change(Result.updated, s.withRevision(s.revision() + 1), null);
  }
}
