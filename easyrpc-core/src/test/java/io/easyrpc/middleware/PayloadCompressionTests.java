package io.easyrpc.middleware;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.MessageInfo.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link PayloadCompression}.
 */
class PayloadCompressionTests {

	private static final MessageInfo REQUEST = new MessageInfo(Kind.REQUEST, "Store.put", "127.0.0.1:7070");

	@Test
	void smallPayloadCostsOneByte() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			byte[] payload = text(100);
			byte[] sent = compression.outbound(REQUEST, payload);
			assertThat(sent).hasSize(101);
			assertThat(sent[0]).isZero();
			assertThat(Arrays.copyOfRange(sent, 1, sent.length)).isEqualTo(payload);
			assertThat(compression.inbound(REQUEST, sent)).isEqualTo(payload);
			assertThat(compression.inbound(REQUEST, compression.outbound(REQUEST, new byte[0]))).isEmpty();
		}
	}

	@Test
	void payloadOfThresholdSizeIsCompressedAndOneByteLessIsNot() {
		try (PayloadCompression compression = PayloadCompression.builder().threshold(1024).build()) {
			byte[] below = text(1023);
			byte[] sentBelow = compression.outbound(REQUEST, below);
			assertThat(sentBelow[0]).isZero();
			assertThat(sentBelow).hasSize(1024);
			assertThat(compression.inbound(REQUEST, sentBelow)).isEqualTo(below);
			byte[] at = text(1024);
			byte[] sentAt = compression.outbound(REQUEST, at);
			assertThat(sentAt[0]).isOne();
			assertThat(sentAt.length).isLessThan(200);
			assertThat(readInt(sentAt, 1)).isEqualTo(1024);
			assertThat(compression.inbound(REQUEST, sentAt)).isEqualTo(at);
		}
	}

	@Test
	void largePayloadSurvivesTheRoundTrip() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			byte[] payload = text(3_000_000);
			byte[] sent = compression.outbound(REQUEST, payload);
			assertThat(sent.length).isLessThan(payload.length / 10);
			assertThat(compression.inbound(REQUEST, sent)).isEqualTo(payload);
		}
	}

	@Test
	void incompressiblePayloadIsSentStored() {
		try (PayloadCompression compression = PayloadCompression.builder().threshold(0).build()) {
			byte[] payload = new byte[4096];
			new Random(7).nextBytes(payload);
			byte[] sent = compression.outbound(REQUEST, payload);
			assertThat(sent[0]).isZero();
			assertThat(sent).hasSize(4097);
			assertThat(compression.inbound(REQUEST, sent)).isEqualTo(payload);
			byte[] tiny = compression.outbound(REQUEST, new byte[] { 1, 2, 3 });
			assertThat(tiny).containsExactly(0, 1, 2, 3);
		}
	}

	@Test
	void declaredSizeOverTheLimitIsRefusedBeforeInflating() {
		try (PayloadCompression compression = PayloadCompression.builder().maxInflatedSize(1024 * 1024).build()) {
			// 64 MiB of zeros deflate to about 64 KiB
			byte[] bomb = deflated(64 * 1024 * 1024, 64 * 1024 * 1024);
			assertThat(bomb.length).isLessThan(100_000);
			RpcException refusal = refusal(() -> compression.inbound(REQUEST, bomb));
			assertThat(refusal.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
			assertThat(refusal.getDescription())
				.isEqualTo("compressed payload would inflate to 67108864 bytes, more than the limit of 1048576 bytes");
			byte[] huge = bomb.clone();
			huge[1] = (byte) 0xFF;
			assertThat(refusal(() -> compression.inbound(REQUEST, huge)).getStatus())
				.isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		}
	}

	@Test
	void defaultLimitIsEightMebibytes() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			assertThat(compression.maxInflatedSize()).isEqualTo(8 * 1024 * 1024);
			assertThat(compression.threshold()).isEqualTo(1024);
			assertThat(compression.level()).isEqualTo(Deflater.BEST_SPEED);
			byte[] atLimit = deflated(8 * 1024 * 1024, 8 * 1024 * 1024);
			assertThat(compression.inbound(REQUEST, atLimit)).hasSize(8 * 1024 * 1024);
			byte[] overLimit = deflated(8 * 1024 * 1024 + 1, 8 * 1024 * 1024 + 1);
			assertThat(refusal(() -> compression.inbound(REQUEST, overLimit)).getStatus())
				.isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		}
	}

	@Test
	void dataInflatingToMoreThanDeclaredIsRefusedWithoutInflatingIt() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			// declares 1 KiB, holds 64 MiB
			byte[] lying = deflated(64 * 1024 * 1024, 1024);
			RpcException refusal = refusal(() -> compression.inbound(REQUEST, lying));
			assertThat(refusal.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(refusal.getDescription())
				.isEqualTo("compressed payload inflates to more bytes than the 1024 it declares");
		}
	}

	@Test
	void dataInflatingToLessThanDeclaredIsRefused() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			byte[] lying = deflated(1000, 2000);
			RpcException refusal = refusal(() -> compression.inbound(REQUEST, lying));
			assertThat(refusal.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(refusal.getDescription())
				.isEqualTo("compressed payload inflates to fewer bytes than the 2000 it declares");
		}
	}

	@Test
	void corruptTruncatedOrUnmarkedPayloadIsRefused() {
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			byte[] sent = compression.outbound(REQUEST, text(5000));
			byte[] corrupt = sent.clone();
			for (int i = 5; i < corrupt.length; i++) {
				corrupt[i] = (byte) 0xFF;
			}
			assertThat(refusal(() -> compression.inbound(REQUEST, corrupt)).getDescription())
				.startsWith("compressed payload is corrupt");
			byte[] truncated = Arrays.copyOf(sent, sent.length - 10);
			assertThat(refusal(() -> compression.inbound(REQUEST, truncated)).getStatus())
				.isEqualTo(RpcStatus.INVALID_ARGUMENT);
			byte[] trailing = Arrays.copyOf(sent, sent.length + 3);
			assertThat(refusal(() -> compression.inbound(REQUEST, trailing)).getDescription())
				.isEqualTo("compressed payload does not end where its DEFLATE data ends");
			assertThat(refusal(() -> compression.inbound(REQUEST, new byte[] { 1, 0, 0 })).getDescription())
				.isEqualTo("compressed payload is truncated");
			RpcException unmarked = refusal(() -> compression.inbound(REQUEST, new byte[] { (byte) 0x92, 1, 2 }));
			assertThat(unmarked.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(unmarked.getDescription())
				.isEqualTo("unknown compression marker 0x92; both sides must enable payload compression");
			assertThat(refusal(() -> compression.inbound(REQUEST, new byte[0])).getStatus())
				.isEqualTo(RpcStatus.INVALID_ARGUMENT);
		}
	}

	@Test
	void severalThreadsShareOneInstance() throws Exception {
		try (PayloadCompression compression = PayloadCompression.builder().threshold(64).build()) {
			ExecutorService threads = Executors.newFixedThreadPool(4);
			try {
				List<Future<Integer>> results = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					results.add(threads.submit(() -> {
						int checked = 0;
						for (int i = 0; i < 1_000; i++) {
							int length = ThreadLocalRandom.current().nextInt(0, 20_000);
							byte[] payload = (i % 3 == 0) ? randomBytes(length) : text(length);
							byte[] sent = compression.outbound(REQUEST, payload);
							assertThat(compression.inbound(REQUEST, sent)).isEqualTo(payload);
							checked++;
						}
						return checked;
					}));
				}
				for (Future<Integer> result : results) {
					assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(1_000);
				}
			}
			finally {
				threads.shutdownNow();
			}
		}
	}

	@Test
	void closedProcessorStillWorksWithoutPooling() {
		PayloadCompression compression = PayloadCompression.builder().build();
		byte[] payload = text(4000);
		assertThat(compression.inbound(REQUEST, compression.outbound(REQUEST, payload))).isEqualTo(payload);
		compression.close();
		assertThat(compression.inbound(REQUEST, compression.outbound(REQUEST, payload))).isEqualTo(payload);
		compression.close();
	}

	@Test
	void invalidSettingsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadCompression.builder().threshold(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadCompression.builder().maxInflatedSize(0));
		assertThatIllegalArgumentException().isThrownBy(() -> PayloadCompression.builder().level(10));
	}

	@Test
	void compressionThenEncryptionRoundTrip() {
		PayloadEncryption encryption = PayloadEncryption.builder().key("k1", new byte[16]).build();
		try (PayloadCompression compression = PayloadCompression.builder().build()) {
			byte[] payload = text(10_000);
			byte[] sent = encryption.outbound(REQUEST, compression.outbound(REQUEST, payload));
			assertThat(sent.length).isLessThan(1_000);
			assertThat(compression.inbound(REQUEST, encryption.inbound(REQUEST, sent))).isEqualTo(payload);
		}
	}

	/**
	 * A compressed payload of {@code actual} zero bytes that declares {@code declared}
	 * bytes, deflated in chunks so that the test never holds the inflated form.
	 */
	private static byte[] deflated(int actual, int declared) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			out.write(1);
			out.write(declared >>> 24);
			out.write(declared >>> 16);
			out.write(declared >>> 8);
			out.write(declared);
			byte[] zeros = new byte[64 * 1024];
			byte[] buffer = new byte[64 * 1024];
			int remaining = actual;
			while (remaining > 0) {
				int chunk = Math.min(remaining, zeros.length);
				deflater.setInput(zeros, 0, chunk);
				remaining -= chunk;
				while (!deflater.needsInput()) {
					out.write(buffer, 0, deflater.deflate(buffer));
				}
			}
			deflater.finish();
			while (!deflater.finished()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

	private static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8)
				| (bytes[offset + 3] & 0xFF);
	}

	private static byte[] text(int length) {
		byte[] sample = "{\"name\":\"Ada Lovelace\",\"born\":1815,\"tags\":[\"math\",\"engines\"]}"
			.getBytes(StandardCharsets.UTF_8);
		byte[] text = new byte[length];
		for (int i = 0; i < length; i++) {
			text[i] = sample[i % sample.length];
		}
		return text;
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

	private static RpcException refusal(ThrowingCallable action) {
		Throwable thrown = catchThrowable(action);
		assertThat(thrown).isInstanceOf(RpcException.class);
		return (RpcException) thrown;
	}

}
