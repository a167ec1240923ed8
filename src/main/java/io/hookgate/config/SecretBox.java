package io.hookgate.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets hookgate keeps in Kafka (subscriptions' header values and signing secrets) with
 * AES-256-GCM, so that nothing reading a topic sees them in clear. A ring of keys: the first encrypts, every
 * one decrypts, so a key is rotated by putting the new one first and keeping the old one until every record
 * has been written again. Each ciphertext names its key ({@code hg1.<key id>.<base64url(iv | ciphertext)>},
 * the key id being the start of the key's SHA-256) and is bound to where it belongs (associated data such as
 * {@code subscription/isahit-b1/headers/Authorization}), so that it cannot be moved to another record or field.
 */
public final class SecretBox {
  private static final String PREFIX = "hg1.";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private record Key(String id, SecretKeySpec spec) {
  }

  private final List<Key> keys;
  private final Map<String, Key> byId = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /**
   * One cipher per thread, initialized anew for each call: looking the transformation up among the providers
   * each time was a seventh of reading a subscription at start (10,000 of them, two secrets each).
   */
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SecretBox::newCipher);

  /** @param keys 32-byte AES keys, the one that encrypts first */
  public SecretBox(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one encryption key is needed");
    }
    this.keys = keys.stream().map(SecretBox::key).toList();
    this.keys.forEach(k -> byId.putIfAbsent(k.id(), k));
  }

  private static Key key(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("an encryption key is 32 bytes (base64 of 32 random bytes), not "
          + bytes.length);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Key(HexFormat.of().formatHex(digest, 0, 4), new SecretKeySpec(bytes, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** A new random key, base64: what {@code HOOKGATE_ENCRYPTION_KEY} holds. */
  public static String newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** The id of the key that encrypts, as ciphertexts name it. */
  public String currentKeyId() {
    return keys.get(0).id();
  }

  public String encrypt(String plaintext, String boundTo) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    Key k = keys.get(0);
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
      return PREFIX + k.id() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Why a ciphertext cannot be decrypted here without trying (it is not one, or names a key not configured), or
   * null when it names a configured key.
   */
  public String refusal(String ciphertext) {
    if (ciphertext == null || !ciphertext.startsWith(PREFIX)) {
      return "not a hookgate ciphertext";
    }
    int dot = ciphertext.indexOf('.', PREFIX.length());
    if (dot < 0) {
      return "not a hookgate ciphertext";
    }
    String id = ciphertext.substring(PREFIX.length(), dot);
    return byId.containsKey(id) ? null
        : "encrypted with key " + id + ", which is not among the configured encryption keys";
  }

  /**
   * Decrypts what {@link #encrypt} made with any key of the ring for the same {@code boundTo}; throws
   * IllegalArgumentException, naming no secret, when it cannot (unknown key, tampered, moved).
   */
  public String decrypt(String ciphertext, String boundTo) {
    if (ciphertext == null || !ciphertext.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a hookgate ciphertext");
    }
    int dot = ciphertext.indexOf('.', PREFIX.length());
    if (dot < 0) {
      throw new IllegalArgumentException("not a hookgate ciphertext");
    }
    Key k = byId.get(ciphertext.substring(PREFIX.length(), dot));
    if (k == null) {
      throw new IllegalArgumentException("encrypted with key " + ciphertext.substring(PREFIX.length(), dot)
          + ", which is not among the configured encryption keys");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(ciphertext.substring(dot + 1));
      if (in.length <= IV_BYTES) {
        throw new IllegalArgumentException("not a hookgate ciphertext");
      }
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot be decrypted with key " + k.id() + " (altered, or not meant for "
          + "this place)");
    }
  }
}
