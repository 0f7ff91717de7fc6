package io.easyrpc.middleware;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.MessageInfo.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link PayloadEncryption}.
 */
class PayloadEncryptionTests {

	// Every refusal is a warning (rate-limited); most tests here provoke some.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(PayloadEncryption.class, Level.WARN, "Refused encrypted");

	private static final byte[] KEY_1 = key(1, 32);

	private static final byte[] KEY_2 = key(2, 16);

	private static final MessageInfo REQUEST = new MessageInfo(Kind.REQUEST, "Greeter.hello", "127.0.0.1:7070");

	private static final MessageInfo RESPONSE = new MessageInfo(Kind.RESPONSE, "Greeter.hello", "127.0.0.1:7070");

	private static final long NOW = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();

	private final MutableClock clock = new MutableClock(NOW);

	@Test
	void payloadSurvivesTheRoundTripForEveryKindOfMessage() {
		PayloadEncryption encryption = encryption("k1", KEY_1).build();
		for (Kind kind : Kind.values()) {
			MessageInfo message = new MessageInfo(kind, "Greeter.hello", "peer");
			byte[] payload = bytes(100 + kind.ordinal());
			byte[] sealed = encryption.outbound(message, payload.clone());
			assertThat(encryption.inbound(message, sealed)).isEqualTo(payload);
		}
		byte[] sealedEmpty = encryption.outbound(REQUEST, new byte[0]);
		assertThat(encryption.inbound(REQUEST, sealedEmpty)).isEmpty();
	}

	@Test
	void outputFollowsTheDocumentedLayout() throws Exception {
		PayloadEncryption encryption = encryption("key-1", KEY_1).build();
		byte[] payload = "arguments".getBytes(StandardCharsets.UTF_8);
		byte[] sealed = encryption.outbound(REQUEST, payload);
		assertThat(sealed[0]).isEqualTo((byte) 1);
		assertThat(sealed[1]).isEqualTo((byte) 5);
		assertThat(new String(sealed, 2, 5, StandardCharsets.UTF_8)).isEqualTo("key-1");
		int headerLength = 2 + 5 + 12 + 8;
		long timestamp = 0;
		for (int i = 0; i < 8; i++) {
			timestamp = (timestamp << 8) | (sealed[2 + 5 + 12 + i] & 0xFF);
		}
		assertThat(timestamp).isEqualTo(NOW);
		assertThat(sealed).hasSize(headerLength + payload.length + 16);
		// decrypt by hand, with the additional data as documented
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY_1, "AES"), new GCMParameterSpec(128, sealed, 2 + 5, 12));
		cipher.updateAAD(sealed, 0, headerLength);
		cipher.updateAAD(new byte[] { 1 });
		cipher.updateAAD("Greeter.hello".getBytes(StandardCharsets.UTF_8));
		byte[] plain = cipher.doFinal(sealed, headerLength, sealed.length - headerLength);
		assertThat(plain).isEqualTo(payload);
	}

	@Test
	void everyMessageGetsItsOwnNonce() {
		PayloadEncryption encryption = encryption("k1", KEY_1).build();
		byte[] first = encryption.outbound(REQUEST, bytes(10));
		byte[] second = encryption.outbound(REQUEST, bytes(10));
		assertThat(Arrays.copyOfRange(first, 4, 16)).isNotEqualTo(Arrays.copyOfRange(second, 4, 16));
		assertThat(Arrays.copyOfRange(first, 24, first.length))
			.isNotEqualTo(Arrays.copyOfRange(second, 24, second.length));
	}

	@Test
	void changingAnyByteGetsTheMessageRefused() {
		this.logs.expect(PayloadEncryption.class, Level.WARN, "payload failed authentication");
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		byte[] sealed = sender.outbound(REQUEST, bytes(40));
		for (int i = 0; i < sealed.length; i++) {
			byte[] tampered = sealed.clone();
			tampered[i] ^= 0x01;
			PayloadEncryption receiver = encryption("k1", KEY_1).build();
			RpcException refusal = refusal(() -> receiver.inbound(REQUEST, tampered));
			assertThat(refusal.getStatus()).as("byte %d", i).isEqualTo(RpcStatus.UNAUTHENTICATED);
			if (i == 2 || i == 3) {
				assertThat(refusal.getDescription()).as("byte %d", i).startsWith("unknown key id");
			}
			else if (i > 3) {
				assertThat(refusal.getDescription()).as("byte %d", i).isEqualTo("payload failed authentication");
			}
		}
	}

	@Test
	void changedVersionKeyIdLengthOrKeyIdIsRefusedWithAClearMessage() {
		PayloadEncryption encryption = encryption("k1", KEY_1).build();
		byte[] sealed = encryption.outbound(REQUEST, bytes(40));
		byte[] version = sealed.clone();
		version[0] = 2;
		assertThat(refusal(() -> encryption.inbound(REQUEST, version)).getDescription())
			.startsWith("payload is not encrypted in a known format (first byte 0x02)");
		byte[] keyId = sealed.clone();
		keyId[3] = '9';
		assertThat(refusal(() -> encryption.inbound(REQUEST, keyId)).getDescription()).isEqualTo("unknown key id 'k9'");
		byte[] idLength = sealed.clone();
		idLength[1] = (byte) 200;
		assertThat(refusal(() -> encryption.inbound(REQUEST, idLength)).getDescription())
			.startsWith("encrypted payload is truncated");
	}

	@Test
	void plainOrTruncatedPayloadIsRefused() {
		PayloadEncryption encryption = encryption("k1", KEY_1).build();
		RpcException plain = refusal(() -> encryption.inbound(REQUEST, new byte[] { (byte) 0x92, 1, 2 }));
		assertThat(plain.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(plain.getDescription()).isEqualTo("payload is not encrypted in a known format (first byte 0x92); "
				+ "both sides must enable the same payload encryption");
		assertThat(refusal(() -> encryption.inbound(REQUEST, new byte[0])).getDescription())
			.contains("first byte missing");
		byte[] sealed = encryption.outbound(REQUEST, bytes(8));
		byte[] truncated = Arrays.copyOf(sealed, 2 + 2 + 12 + 8 + 15);
		assertThat(refusal(() -> encryption.inbound(REQUEST, truncated)).getDescription())
			.isEqualTo("encrypted payload is truncated (39 bytes)");
	}

	@Test
	void unknownKeyIdIsUnauthenticated() {
		this.logs.expect(PayloadEncryption.class, Level.WARN, "unknown key id");
		PayloadEncryption sender = encryption("k2", KEY_2).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		RpcException refusal = refusal(() -> receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8))));
		assertThat(refusal.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(refusal.getDescription()).isEqualTo("unknown key id 'k2'");
	}

	@Test
	void sameKeyIdWithAnotherKeyFailsAuthentication() {
		PayloadEncryption sender = encryption("k1", KEY_2).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		RpcException refusal = refusal(() -> receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8))));
		assertThat(refusal.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(refusal.getDescription()).isEqualTo("payload failed authentication");
	}

	@Test
	void rotatedReceiverAcceptsOldAndNewKeysAndSendsWithTheNewOne() {
		PayloadEncryption oldSender = encryption("k1", KEY_1).build();
		PayloadEncryption newSender = encryption("k2", KEY_2).build();
		PayloadEncryption rotated = PayloadEncryption.builder()
			.key("k1", KEY_1)
			.key("k2", KEY_2)
			.sendingKeyId("k2")
			.clock(this.clock)
			.build();
		assertThat(rotated.keyIds()).containsExactly("k1", "k2");
		assertThat(rotated.sendingKeyId()).isEqualTo("k2");
		byte[] payload = bytes(30);
		assertThat(rotated.inbound(REQUEST, oldSender.outbound(REQUEST, payload))).isEqualTo(payload);
		assertThat(rotated.inbound(REQUEST, newSender.outbound(REQUEST, payload))).isEqualTo(payload);
		byte[] answer = rotated.outbound(RESPONSE, payload);
		assertThat(new String(answer, 2, 2, StandardCharsets.UTF_8)).isEqualTo("k2");
		assertThat(newSender.inbound(RESPONSE, answer)).isEqualTo(payload);
		assertThat(refusal(() -> oldSender.inbound(RESPONSE, answer)).getDescription())
			.isEqualTo("unknown key id 'k2'");
	}

	@Test
	void messageOlderOrNewerThanTheSkewIsStale() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).maxSkew(Duration.ofSeconds(30)).build();
		byte[] old = sender.outbound(REQUEST, bytes(8));
		this.clock.set(NOW + 30_001);
		RpcException stale = refusal(() -> receiver.inbound(REQUEST, old));
		assertThat(stale.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(stale.getDescription())
			.isEqualTo("stale message: its timestamp 2026-11-23T12:00:00Z is 30001 ms behind this side's clock, "
					+ "more than the allowed skew of 30000 ms");
		this.clock.set(NOW - 30_001);
		assertThat(refusal(() -> receiver.inbound(REQUEST, old)).getDescription())
			.startsWith("stale message: its timestamp 2026-11-23T12:00:00Z is 30001 ms ahead of this side's clock");
	}

	@Test
	void messageExactlyAtTheSkewIsAccepted() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		byte[] early = sender.outbound(REQUEST, bytes(8));
		byte[] late = sender.outbound(REQUEST, bytes(8));
		this.clock.set(NOW + 30_000);
		assertThat(receiver.inbound(REQUEST, early)).isEqualTo(bytes(8));
		this.clock.set(NOW - 30_000);
		assertThat(receiver.inbound(REQUEST, late)).isEqualTo(bytes(8));
	}

	@Test
	void replayedMessageIsRefused() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		byte[] sealed = sender.outbound(REQUEST, bytes(8));
		assertThat(receiver.inbound(REQUEST, sealed.clone())).isEqualTo(bytes(8));
		this.clock.set(NOW + 10_000);
		RpcException replay = refusal(() -> receiver.inbound(REQUEST, sealed.clone()));
		assertThat(replay.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(replay.getDescription()).isEqualTo("replayed message: its nonce was seen before");
		this.clock.set(NOW + 31_000);
		assertThat(refusal(() -> receiver.inbound(REQUEST, sealed.clone())).getDescription())
			.startsWith("stale message");
	}

	@Test
	void forgedMessagesAreNotRemembered() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		byte[] sealed = sender.outbound(REQUEST, bytes(8));
		byte[] forged = sealed.clone();
		forged[forged.length - 1] ^= 0x40;
		refusal(() -> receiver.inbound(REQUEST, forged));
		assertThat(receiver.rememberedNonces()).isZero();
		assertThat(receiver.inbound(REQUEST, sealed)).isEqualTo(bytes(8));
		assertThat(receiver.rememberedNonces()).isOne();
	}

	@Test
	void nonceCacheForgetsExpiredNonces() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		for (int i = 0; i < 5; i++) {
			receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8)));
		}
		assertThat(receiver.rememberedNonces()).isEqualTo(5);
		this.clock.set(NOW + 30_001);
		receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8)));
		assertThat(receiver.rememberedNonces()).isOne();
	}

	@Test
	void fullNonceCacheForgetsTheOldestAndRefusesMessagesNoNewerThanThem() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).replayCacheSize(3).build();
		List<byte[]> sent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			this.clock.set(NOW + i);
			byte[] sealed = sender.outbound(REQUEST, bytes(8));
			sent.add(sealed);
			receiver.inbound(REQUEST, sealed.clone());
		}
		assertThat(receiver.rememberedNonces()).isEqualTo(3);
		// the first two were forgotten: replaying them is still refused
		assertThat(refusal(() -> receiver.inbound(REQUEST, sent.get(0).clone())).getDescription())
			.startsWith("stale message")
			.endsWith("no later than messages whose nonces the replay cache no longer holds");
		assertThat(refusal(() -> receiver.inbound(REQUEST, sent.get(1).clone())).getDescription())
			.startsWith("stale message");
		assertThat(refusal(() -> receiver.inbound(REQUEST, sent.get(4).clone())).getDescription())
			.isEqualTo("replayed message: its nonce was seen before");
		// a new message is accepted
		this.clock.set(NOW + 5);
		assertThat(receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8)))).isEqualTo(bytes(8));
		assertThat(receiver.rememberedNonces()).isEqualTo(3);
	}

	@Test
	void clockGoingBackDoesNotReviveForgottenNonces() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		byte[] first = sender.outbound(REQUEST, bytes(8));
		receiver.inbound(REQUEST, first.clone());
		this.clock.set(NOW + 31_000);
		receiver.inbound(REQUEST, sender.outbound(REQUEST, bytes(8)));
		assertThat(receiver.rememberedNonces()).isOne();
		this.clock.set(NOW);
		RpcException refusal = refusal(() -> receiver.inbound(REQUEST, first.clone()));
		assertThat(refusal.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(refusal.getDescription()).startsWith("stale message");
	}

	@Test
	void payloadMovedToAnotherMethodOrKindFailsAuthentication() {
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		byte[] sealed = sender.outbound(REQUEST, bytes(8));
		MessageInfo otherMethod = new MessageInfo(Kind.REQUEST, "Greeter.goodbye", "127.0.0.1:7070");
		assertThat(refusal(() -> receiver.inbound(otherMethod, sealed.clone())).getDescription())
			.isEqualTo("payload failed authentication");
		assertThat(refusal(() -> receiver.inbound(RESPONSE, sealed.clone())).getDescription())
			.isEqualTo("payload failed authentication");
		MessageInfo notification = new MessageInfo(Kind.NOTIFICATION, "Greeter.hello", "127.0.0.1:7070");
		assertThat(refusal(() -> receiver.inbound(notification, sealed.clone())).getDescription())
			.isEqualTo("payload failed authentication");
		MessageInfo otherPeer = new MessageInfo(Kind.REQUEST, "Greeter.hello", "10.0.0.1:7070");
		assertThat(receiver.inbound(otherPeer, sealed.clone())).isEqualTo(bytes(8));
	}

	@Test
	void severalThreadsShareOneInstance() throws Exception {
		// a fixed clock: however slow the machine, no nonce expires during the test
		PayloadEncryption sender = encryption("k1", KEY_1).build();
		PayloadEncryption receiver = encryption("k1", KEY_1).build();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				results.add(threads.submit(() -> {
					int checked = 0;
					for (int i = 0; i < 2_000; i++) {
						byte[] payload = new byte[ThreadLocalRandom.current().nextInt(0, 300)];
						ThreadLocalRandom.current().nextBytes(payload);
						MessageInfo message = new MessageInfo(Kind.REQUEST, "M.m" + (i % 7), "peer");
						byte[] sealed = sender.outbound(message, payload.clone());
						assertThat(receiver.inbound(message, sealed)).isEqualTo(payload);
						checked++;
					}
					return checked;
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
			}
			assertThat(receiver.rememberedNonces()).isEqualTo(8_000);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void invalidConfigurationIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadEncryption.builder().key("k1", new byte[10]))
			.withMessage("Key 'k1' has 10 bytes; AES keys have 16, 24 or 32 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadEncryption.builder().key("", KEY_1));
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadEncryption.builder().key("x".repeat(256), KEY_1));
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadEncryption.builder().build())
			.withMessage("Payload encryption needs at least one key");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PayloadEncryption.builder().key("k1", KEY_1).key("k2", KEY_2).build())
			.withMessage("Payload encryption has several keys [k1, k2]: name the sending key id");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PayloadEncryption.builder().key("k1", KEY_1).sendingKeyId("k3").build())
			.withMessage("Sending key id 'k3' is not one of the configured keys [k1]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PayloadEncryption.builder().key("k1", KEY_1).maxSkew(Duration.ZERO).build());
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadEncryption.builder().replayCacheSize(0));
	}

	@Test
	void keysOfEveryAesSizeWork() {
		for (int size : new int[] { 16, 24, 32 }) {
			PayloadEncryption encryption = encryption("k", key(size, size)).build();
			assertThat(encryption.inbound(REQUEST, encryption.outbound(REQUEST, bytes(20)))).isEqualTo(bytes(20));
		}
	}

	private PayloadEncryption.Builder encryption(String keyId, byte[] key) {
		return PayloadEncryption.builder().key(keyId, key).sendingKeyId(keyId).clock(this.clock);
	}

	private static RpcException refusal(ThrowingCallable action) {
		Throwable thrown = catchThrowable(action);
		assertThat(thrown).isInstanceOf(RpcException.class);
		return (RpcException) thrown;
	}

	private static byte[] key(int seed, int length) {
		byte[] key = new byte[length];
		for (int i = 0; i < length; i++) {
			key[i] = (byte) (seed * 31 + i);
		}
		return key;
	}

	private static byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) i;
		}
		return bytes;
	}

	/**
	 * A clock that a test sets.
	 */
	static final class MutableClock extends Clock {

		private volatile long millis;

		MutableClock(long millis) {
			this.millis = millis;
		}

		void set(long millis) {
			this.millis = millis;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public long millis() {
			return this.millis;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis);
		}

	}

}
