package io.easyrpc.middleware;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and authenticates every payload with AES-GCM (the JDK's
 * {@code AES/GCM/NoPadding}, 128-bit tag), for deployments that cannot use TLS. Both
 * sides share one or more AES keys, each under a key id; outgoing payloads use the
 * sending key, incoming ones may use any configured key, so keys can be rotated without
 * downtime: add the new key everywhere, then switch the sending key id, then remove the
 * old key.
 * <p>
 * An encrypted payload is laid out as follows, with {@code n} the length of the key id
 * and {@code m} the length of the plain payload: <pre>
 * offset   size   content
 * 0        1      version, 0x01
 * 1        1      n, length of the key id in bytes, 1 to 255
 * 2        n      key id, UTF-8
 * 2+n      12     nonce, random for every message (the GCM initialization vector)
 * 14+n     8      timestamp: the sender's clock, milliseconds since the epoch, big-endian
 * 22+n     m+16   AES-GCM ciphertext of the payload, then the 16-byte authentication tag
 * </pre> The additional authenticated data is the whole header (bytes 0 to 22+n),
 * followed by one byte for the kind of message (1 request, 2 notification, 3 response)
 * and the method key in UTF-8. Changing any byte of the message, or presenting it as
 * another kind of message or as the payload of another method, makes the tag check fail.
 * <p>
 * Incoming messages are refused with {@link RpcStatus#UNAUTHENTICATED} when they are not
 * in this format, name a key id that is not configured (the receiver cannot tell who sent
 * the message, so the sender is not authenticated rather than denied), fail the tag check
 * ("payload failed authentication"), carry a timestamp further than the maximum skew from
 * the receiver's clock ("stale message"), or repeat a nonce seen before ("replayed
 * message"). The checks run in that order; timestamp and nonce are only trusted, and only
 * remembered, once the tag has proved them authentic, so forged messages cannot fill the
 * replay cache. Refusals are logged under this class's name at WARN, at most one line per
 * 10 seconds (counting the refusals in between), and at DEBUG otherwise.
 * <p>
 * Nonces are remembered while their timestamps are within the maximum skew, in a cache of
 * bounded size. When more messages arrive within that time than the cache holds, the
 * oldest nonces are forgotten and messages no newer than them are refused as stale: a
 * replay is never accepted, but the accepted skew shrinks under such load.
 * <p>
 * Random 96-bit nonces keep the chance that two messages under one key share a nonce
 * negligible for up to about 2^32 messages per key; rotate keys well before that. This
 * instance is thread-safe.
 */
public final class PayloadEncryption implements RpcProcessor {

	/** The version byte of the layout this class writes and reads. */
	public static final int VERSION = 1;

	/** Default maximum difference between the sender's and the receiver's clocks. */
	public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(30);

	/** Default number of nonces remembered to refuse replays. */
	public static final int DEFAULT_REPLAY_CACHE_SIZE = 100_000;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int NONCE_LENGTH = 12;

	private static final int TAG_LENGTH = 16;

	private static final int TIMESTAMP_LENGTH = 8;

	private static final Logger logger = LoggerFactory.getLogger(PayloadEncryption.class);

	private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

	private final LongAdder suppressedWarnings = new LongAdder();

	private final Map<String, SecretKey> keys;

	private final String sendingKeyId;

	private final SecretKey sendingKey;

	private final byte[] sendingPrefix;

	private final Duration maxSkew;

	private final long maxSkewMillis;

	private final Clock clock;

	private final ReplayCache replayCache;

	private final int replayCacheSize;

	private final InstancePool<Sealer> sealers = new InstancePool<>(InstancePool.defaultCapacity(), Sealer::new,
			(sealer) -> {
			});

	private PayloadEncryption(Builder builder) {
		if (builder.keys.isEmpty()) {
			throw new IllegalArgumentException("Payload encryption needs at least one key");
		}
		String keyId = builder.sendingKeyId;
		if (keyId == null) {
			if (builder.keys.size() != 1) {
				throw new IllegalArgumentException(
						"Payload encryption has several keys " + builder.keys.keySet() + ": name the sending key id");
			}
			keyId = builder.keys.keySet().iterator().next();
		}
		if (!builder.keys.containsKey(keyId)) {
			throw new IllegalArgumentException(
					"Sending key id '" + keyId + "' is not one of the configured keys " + builder.keys.keySet());
		}
		if (builder.maxSkew.isNegative() || builder.maxSkew.isZero()) {
			throw new IllegalArgumentException("Maximum clock skew must be positive, was " + builder.maxSkew);
		}
		this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(builder.keys));
		this.sendingKeyId = keyId;
		this.sendingKey = this.keys.get(keyId);
		byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
		this.sendingPrefix = new byte[2 + id.length];
		this.sendingPrefix[0] = VERSION;
		this.sendingPrefix[1] = (byte) id.length;
		System.arraycopy(id, 0, this.sendingPrefix, 2, id.length);
		this.maxSkew = builder.maxSkew;
		this.maxSkewMillis = builder.maxSkew.toMillis();
		this.clock = builder.clock;
		this.replayCacheSize = builder.replayCacheSize;
		this.replayCache = new ReplayCache(this.maxSkewMillis, builder.replayCacheSize);
	}

	/**
	 * Start building a payload encryption processor.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the id of the key that encrypts outgoing payloads.
	 * @return the sending key id
	 */
	public String sendingKeyId() {
		return this.sendingKeyId;
	}

	/**
	 * Return the ids of the keys accepted on incoming payloads, in configuration order.
	 * @return the key ids
	 */
	public Set<String> keyIds() {
		return this.keys.keySet();
	}

	/**
	 * Return the largest accepted difference between a message's timestamp and this
	 * side's clock.
	 * @return the maximum skew
	 */
	public Duration maxSkew() {
		return this.maxSkew;
	}

	/**
	 * Return the largest number of nonces remembered to refuse replays.
	 * @return the replay cache size
	 */
	public int replayCacheSize() {
		return this.replayCacheSize;
	}

	/**
	 * Return the number of nonces remembered now, after dropping those that expired.
	 * @return the number of entries in the replay cache
	 */
	public int rememberedNonces() {
		return this.replayCache.size(this.clock.millis());
	}

	@Override
	public byte[] outbound(MessageInfo message, byte[] payload) {
		byte[] context = context(message);
		int prefixLength = this.sendingPrefix.length;
		int headerLength = prefixLength + NONCE_LENGTH + TIMESTAMP_LENGTH;
		byte[] out = new byte[headerLength + payload.length + TAG_LENGTH];
		System.arraycopy(this.sendingPrefix, 0, out, 0, prefixLength);
		writeLong(out, prefixLength + NONCE_LENGTH, this.clock.millis());
		Sealer sealer = this.sealers.take();
		try {
			sealer.random.nextBytes(sealer.nonce);
			System.arraycopy(sealer.nonce, 0, out, prefixLength, NONCE_LENGTH);
			Cipher cipher = sealer.cipher;
			cipher.init(Cipher.ENCRYPT_MODE, this.sendingKey,
					new GCMParameterSpec(TAG_LENGTH * 8, out, prefixLength, NONCE_LENGTH));
			cipher.updateAAD(out, 0, headerLength);
			cipher.updateAAD(context);
			cipher.doFinal(payload, 0, payload.length, out, headerLength);
		}
		catch (GeneralSecurityException ex) {
			throw new RpcException(RpcStatus.INTERNAL, "Payload encryption failed: " + ex.getMessage(), ex);
		}
		finally {
			this.sealers.give(sealer);
		}
		return out;
	}

	@Override
	public byte[] inbound(MessageInfo message, byte[] payload) {
		try {
			return open(message, payload);
		}
		catch (RpcException ex) {
			logRefusal(message, ex);
			throw ex;
		}
	}

	private byte[] open(MessageInfo message, byte[] payload) {
		if (payload.length < 2 || (payload[0] & 0xFF) != VERSION) {
			throw refused("payload is not encrypted in a known format (first byte "
					+ ((payload.length > 0) ? String.format("0x%02x", payload[0] & 0xFF) : "missing")
					+ "); both sides must enable the same payload encryption");
		}
		int idLength = payload[1] & 0xFF;
		int nonceOffset = 2 + idLength;
		int timestampOffset = nonceOffset + NONCE_LENGTH;
		int headerLength = timestampOffset + TIMESTAMP_LENGTH;
		if (idLength == 0 || payload.length < headerLength + TAG_LENGTH) {
			throw refused("encrypted payload is truncated (" + payload.length + " bytes)");
		}
		String keyId = new String(payload, 2, idLength, StandardCharsets.UTF_8);
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw refused("unknown key id '" + printable(keyId) + "'");
		}
		byte[] plain = new byte[payload.length - headerLength - TAG_LENGTH];
		Sealer sealer = this.sealers.take();
		try {
			Cipher cipher = sealer.cipher;
			cipher.init(Cipher.DECRYPT_MODE, key,
					new GCMParameterSpec(TAG_LENGTH * 8, payload, nonceOffset, NONCE_LENGTH));
			cipher.updateAAD(payload, 0, headerLength);
			cipher.updateAAD(context(message));
			cipher.doFinal(payload, headerLength, payload.length - headerLength, plain, 0);
		}
		catch (AEADBadTagException ex) {
			throw refused("payload failed authentication");
		}
		catch (GeneralSecurityException ex) {
			throw new RpcException(RpcStatus.INTERNAL, "Payload decryption failed: " + ex.getMessage(), ex);
		}
		finally {
			this.sealers.give(sealer);
		}
		long timestamp = readLong(payload, timestampOffset);
		long now = this.clock.millis();
		if (timestamp < now - this.maxSkewMillis || timestamp > now + this.maxSkewMillis) {
			long offset = now - timestamp;
			throw refused("stale message: its timestamp " + Instant.ofEpochMilli(timestamp) + " is " + Math.abs(offset)
					+ " ms " + ((offset > 0) ? "behind" : "ahead of")
					+ " this side's clock, more than the allowed skew of " + this.maxSkewMillis + " ms");
		}
		ReplayCache.Result verdict = this.replayCache.check(readLong(payload, nonceOffset),
				readInt(payload, nonceOffset + 8), timestamp, now);
		if (verdict == ReplayCache.Result.REPLAYED) {
			throw refused("replayed message: its nonce was seen before");
		}
		if (verdict == ReplayCache.Result.FORGOTTEN) {
			throw refused("stale message: sent at " + Instant.ofEpochMilli(timestamp)
					+ ", no later than messages whose nonces the replay cache no longer holds");
		}
		return plain;
	}

	/**
	 * Log a refused message: at WARN at most once per {@link #WARN_INTERVAL_NANOS}, so
	 * that a flood of forged messages cannot flood the log, else at DEBUG.
	 */
	private void logRefusal(MessageInfo message, RpcException ex) {
		long now = System.nanoTime();
		long last = this.lastWarning.get();
		if (now - last >= WARN_INTERVAL_NANOS && this.lastWarning.compareAndSet(last, now)) {
			long suppressed = this.suppressedWarnings.sumThenReset();
			logger.warn("Refused encrypted {} of {} from {}: {}{}", message.kind().name().toLowerCase(Locale.ROOT),
					LogSafe.text(message.methodKey()), message.peer(), LogSafe.text(ex.getDescription()),
					(suppressed > 0) ? " (" + suppressed + " more refused since the last warning)" : "");
		}
		else {
			this.suppressedWarnings.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("Refused encrypted {} of {} from {}: {}", message.kind().name().toLowerCase(Locale.ROOT),
						LogSafe.text(message.methodKey()), message.peer(), LogSafe.text(ex.getDescription()));
			}
		}
	}

	private static RpcException refused(String message) {
		return new RpcException(RpcStatus.UNAUTHENTICATED, message);
	}

	private static byte[] context(MessageInfo message) {
		String methodKey = (message.methodKey() != null) ? message.methodKey() : "";
		byte[] key = methodKey.getBytes(StandardCharsets.UTF_8);
		byte[] context = new byte[1 + key.length];
		context[0] = switch (message.kind()) {
			case REQUEST -> 1;
			case NOTIFICATION -> 2;
			case RESPONSE -> 3;
		};
		System.arraycopy(key, 0, context, 1, key.length);
		return context;
	}

	private static String printable(String text) {
		StringBuilder result = new StringBuilder(text.length());
		text.codePoints()
			.forEach((c) -> result
				.append((Character.isISOControl(c)) ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
		return result.toString();
	}

	private static void writeLong(byte[] bytes, int offset, long value) {
		for (int i = 7; i >= 0; i--) {
			bytes[offset + i] = (byte) value;
			value >>>= 8;
		}
	}

	private static long readLong(byte[] bytes, int offset) {
		long value = 0;
		for (int i = 0; i < 8; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xFF);
		}
		return value;
	}

	private static int readInt(byte[] bytes, int offset) {
		int value = 0;
		for (int i = 0; i < 4; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xFF);
		}
		return value;
	}

	/**
	 * A cipher with the random source and scratch space for nonces, used by one thread at
	 * a time.
	 */
	private static final class Sealer {

		private final Cipher cipher;

		private final SecureRandom random = newRandom();

		private final byte[] nonce = new byte[NONCE_LENGTH];

		Sealer() {
			try {
				this.cipher = Cipher.getInstance(TRANSFORMATION);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("The JDK offers no " + TRANSFORMATION + " cipher", ex);
			}
		}

		/**
		 * A random source of its own, so that threads do not share the lock of the
		 * default one.
		 */
		private static SecureRandom newRandom() {
			try {
				return SecureRandom.getInstance("DRBG");
			}
			catch (GeneralSecurityException ex) {
				return new SecureRandom();
			}
		}

	}

	/**
	 * Builds a {@link PayloadEncryption}.
	 */
	public static final class Builder {

		private final Map<String, SecretKey> keys = new LinkedHashMap<>();

		private @Nullable String sendingKeyId;

		private Duration maxSkew = DEFAULT_MAX_SKEW;

		private int replayCacheSize = DEFAULT_REPLAY_CACHE_SIZE;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Add a key under an id. Every added key is accepted on incoming payloads.
		 * @param keyId the key id, 1 to 255 bytes in UTF-8
		 * @param key the AES key: 16, 24 or 32 bytes (copied)
		 * @return this builder
		 * @throws IllegalArgumentException if the id or the key has an invalid length
		 */
		public Builder key(String keyId, byte[] key) {
			if (keyId == null || keyId.isEmpty() || keyId.getBytes(StandardCharsets.UTF_8).length > 255) {
				throw new IllegalArgumentException("Key id must have 1 to 255 bytes in UTF-8, was '" + keyId + "'");
			}
			if (key == null || (key.length != 16 && key.length != 24 && key.length != 32)) {
				throw new IllegalArgumentException("Key '" + keyId + "' has " + ((key != null) ? key.length : 0)
						+ " bytes; AES keys have 16, 24 or 32 bytes");
			}
			this.keys.put(keyId, new SecretKeySpec(key, "AES"));
			return this;
		}

		/**
		 * Set the id of the key that encrypts outgoing payloads. May be left out when
		 * exactly one key is configured.
		 * @param keyId the id of one of the added keys
		 * @return this builder
		 */
		public Builder sendingKeyId(String keyId) {
			this.sendingKeyId = keyId;
			return this;
		}

		/**
		 * Set the largest accepted difference between the timestamp of an incoming
		 * message and this side's clock, in either direction; default 30 seconds. Nonces
		 * are remembered for this long.
		 * @param maxSkew the maximum skew, positive
		 * @return this builder
		 */
		public Builder maxSkew(Duration maxSkew) {
			this.maxSkew = maxSkew;
			return this;
		}

		/**
		 * Set the largest number of nonces remembered to refuse replays; default 100,000,
		 * about 8 MB when full.
		 * @param replayCacheSize the capacity, positive
		 * @return this builder
		 */
		public Builder replayCacheSize(int replayCacheSize) {
			if (replayCacheSize < 1) {
				throw new IllegalArgumentException("Replay cache size must be positive, was " + replayCacheSize);
			}
			this.replayCacheSize = replayCacheSize;
			return this;
		}

		/**
		 * Set the clock that stamps outgoing and judges incoming messages; default the
		 * system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the processor.
		 * @return the processor
		 * @throws IllegalArgumentException if no key was added or the sending key id
		 * names none of them
		 */
		public PayloadEncryption build() {
			return new PayloadEncryption(this);
		}

	}

}
