package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.SecretBox;
import io.hookgate.subscriptions.StateRecord.Result;
import io.hookgate.subscriptions.SubscriptionCommand.Op;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The writer of another thread takes "read up to offset n" as "the state of record n-1 is in the store": the store
 * must never say a record was read before its state is in place (said first, two {@code If-Match} writes against
 * the same revision were both applied in CI).
 */
class SubscriptionStoreOrderTest {
  private final SubscriptionCodec codec = new SubscriptionCodec(new SecretBox(List.of(
      Base64.getDecoder().decode(SecretBox.newKey()))));
  private final ObjectMapper mapper = codec.mapper();
  private final Instant t0 = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void aRecordIsSaidReadOnlyOnceItsStateIsInPlace() throws Exception {
    SubscriptionStore store = new SubscriptionStore(codec, Clock.systemUTC());
    List<Boolean> saidReadWhileChanging = new ArrayList<>();
    store.listen((id, now) -> saidReadWhileChanging.add(store.appliedUpTo(0, 8)));
    Subscription s = new Subscription("a", "https://one.example", "d", SubscriptionFilter.ALL, null, Map.of(), true,
        null, null, null, null, null, 0);
    Subscription created = new SubscriptionChanges(codec).apply(null, SubscriptionCommand.of("w1", "a", Op.create,
        null).withSubscription(codec.encode(s),
            new SubscriptionCodec.StoredSecret(codec.seal("a",
                new SigningSecret("whsec_c2VjcmV0", t0, null)), t0, null)),
        t0).next();
    byte[] value = mapper.writeValueAsBytes(new StateRecord(StateRecord.SCHEMA, "w1", Result.created,
        codec.encode(created), null));

    store.handle(new ConsumerRecord<>("subs", 0, 7, "a", value));

    assertThat(saidReadWhileChanging).containsExactly(false);
    assertThat(store.appliedUpTo(0, 8)).isTrue();
    assertThat(store.get("a")).map(Subscription::revision).contains(1L);
    assertThat(store.lastWriteId("a")).isEqualTo("w1");
  }
}
