package io.hookgate.connections;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hookgate.config.Secret;
import io.hookgate.config.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Connections to and from the bytes of their topic; the secrets go through the {@link SecretBox}. */
final class ConnectionCodec {
  private final SecretBox box;
  private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  /** @param box null when no encryption key is set: nothing can be written then */
  ConnectionCodec(SecretBox box) {
    this.box = box;
  }

  boolean canSeal() {
    return box != null;
  }

  byte[] encode(Connection c) {
    if (box == null) {
      throw new IllegalStateException("no encryption key is set");
    }
    String where = "connection/" + c.key();
    StoredConnection stored = new StoredConnection(StoredConnection.SCHEMA, c.source(), c.projectId(), c.kind(),
        c.webhookUrl(), box.encrypt(c.secret().reveal(), where + "/secret"),
        c.previousSecret() == null ? null : box.encrypt(c.previousSecret().reveal(), where + "/previousSecret"),
        c.previousUntil(), c.state(), c.message(), c.createdAt(), c.updatedAt(), c.lastCheck(), c.batches());
    try {
      return mapper.writeValueAsBytes(stored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException naming no secret, when the record cannot be read or decrypted here (no key, or
   *     not the key it was encrypted with)
   */
  Connection decode(byte[] value) {
    StoredConnection s;
    try {
      s = mapper.readValue(value, StoredConnection.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a connection record");
    }
    if (box == null) {
      throw new IllegalArgumentException("its secrets cannot be decrypted: no encryption key is set");
    }
    String where = "connection/" + Connection.key(s.source(), s.projectId());
    Secret secret = new Secret(box.decrypt(s.secret(), where + "/secret"), "connection " + where);
    Secret previous = s.previousSecret() == null ? null
        : new Secret(box.decrypt(s.previousSecret(), where + "/previousSecret"), "connection " + where);
    return new Connection(s.source(), s.projectId(), s.kind(), s.webhookUrl(), secret, previous, s.previousUntil(),
        s.state(), s.message(), s.createdAt(), s.updatedAt(), s.lastCheck(), s.batches());
  }
}
