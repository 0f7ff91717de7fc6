package io.easyrpc.it;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.MessageInfo.Kind;
import io.easyrpc.middleware.PayloadCompression;
import io.easyrpc.middleware.PayloadEncryption;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link PayloadEncryption} and {@link PayloadCompression} between a real server and
 * channel over TCP loopback: calls work with both on both sides, and tampered, replayed,
 * stale, foreign-key and oversized messages are refused with a status the caller sees.
 */
@ExtendWith(LeakDetectionExtension.class)
class PayloadProcessorTests {

	private static final byte[] KEY = key(1);

	private static final byte[] OTHER_KEY = key(2);

	private final RpcFixture rpc = new RpcFixture();

	private final DocumentService service = new DocumentService();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void callsWorkWithCompressionAndEncryptionOnBothSides() throws Exception {
		RpcServer server = server(compression(), encryption("k1", KEY));
		Documents documents = client(server, compression(), encryption("k1", KEY));
		assertThat(documents.echo("hello")).isEqualTo("hello");
		String large = "{\"line\":\"the quick brown fox jumps over the lazy dog\"}".repeat(20_000);
		assertThat(documents.echo(large)).isEqualTo(large);
		assertThat(documents.repeat("ab", 500_000)).hasSize(1_000_000);
		List<CompletableFuture<Integer>> lengths = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			lengths.add(documents.length("x".repeat(i * 10)));
		}
		for (int i = 0; i < 500; i++) {
			assertThat(lengths.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * 10);
		}
	}

	@Test
	void notificationsAreEncryptedToo() {
		RpcServer server = server(compression(), encryption("k1", KEY));
		Documents documents = client(server, compression(), encryption("k1", KEY));
		documents.record("first");
		documents.record("second");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.recorded.size() == 2);
		assertThat(this.service.recorded).containsExactlyInAnyOrder("first", "second");
	}

	@Test
	void wireCarriesOnlyCiphertext() {
		List<byte[]> wire = new CopyOnWriteArrayList<>();
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server, encryption("k1", KEY), tap(Kind.REQUEST, (bytes) -> {
			wire.add(bytes.clone());
			return bytes;
		}));
		assertThat(documents.echo("top secret")).isEqualTo("top secret");
		assertThat(wire).singleElement()
			.satisfies((bytes) -> assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("secret"));
	}

	@Test
	void clientWithAnUnknownKeyIdSeesUnauthenticated() {
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server, encryption("k2", OTHER_KEY));
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED, "unknown key id 'k2'");
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void clientWithAnotherKeyUnderTheSameIdSeesUnauthenticated() {
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server, encryption("k1", OTHER_KEY));
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED, "payload failed authentication");
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void clientWithoutEncryptionSeesUnauthenticated() {
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server);
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED,
				"payload is not encrypted in a known format");
	}

	@Test
	void tamperedRequestIsRefusedAndTheConnectionServesTheNextCall() {
		AtomicInteger tampered = new AtomicInteger();
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server, encryption("k1", KEY), tap(Kind.REQUEST, (bytes) -> {
			if (tampered.getAndIncrement() == 0) {
				bytes[bytes.length - 20] ^= 0x01;
			}
			return bytes;
		}));
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED, "payload failed authentication");
		assertThat(documents.echo("again")).isEqualTo("again");
		assertThat(this.service.calls).hasValue(1);
	}

	@Test
	void tamperedResponseFailsTheCallOnTheClient() {
		RpcServer server = server(encryption("k1", KEY), tap(Kind.RESPONSE, (bytes) -> {
			bytes[bytes.length - 1] ^= 0x01;
			return bytes;
		}));
		Documents documents = client(server, encryption("k1", KEY));
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED, "payload failed authentication");
		assertThat(this.service.calls).hasValue(1);
	}

	@Test
	void replayedRequestIsRefused() {
		AtomicReference<byte[]> captured = new AtomicReference<>();
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server, encryption("k1", KEY), tap(Kind.REQUEST, (bytes) -> {
			if (captured.compareAndSet(null, bytes.clone())) {
				return bytes;
			}
			return captured.get().clone();
		}));
		assertThat(documents.echo("transfer 100")).isEqualTo("transfer 100");
		assertRefused(() -> documents.echo("something else"), RpcStatus.UNAUTHENTICATED,
				"replayed message: its nonce was seen before");
		assertThat(this.service.calls).hasValue(1);
	}

	@Test
	void staleRequestIsRefused() {
		Clock slow = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2));
		RpcServer server = server(encryption("k1", KEY));
		Documents documents = client(server,
				PayloadEncryption.builder().key("k1", KEY).clock(slow).maxSkew(Duration.ofMinutes(5)).build());
		assertRefused(() -> documents.echo("hello"), RpcStatus.UNAUTHENTICATED, "stale message");
		assertThat(this.service.calls).hasValue(0);
	}

	@Test
	void compressedRequestInflatingBeyondTheLimitIsRefused() {
		RpcServer server = server(PayloadCompression.builder().maxInflatedSize(64 * 1024).build());
		Documents documents = client(server, compression());
		assertThat(documents.echo("x".repeat(60_000))).hasSize(60_000);
		assertRefused(() -> documents.echo("x".repeat(100_000)), RpcStatus.RESOURCE_EXHAUSTED,
				"compressed payload would inflate to");
	}

	@Test
	void clientWithoutCompressionSeesInvalidArgument() {
		RpcServer server = server(compression());
		Documents documents = client(server);
		assertRefused(() -> documents.echo("hello"), RpcStatus.INVALID_ARGUMENT, "compression marker");
	}

	private RpcServer server(RpcProcessor... processors) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> List.of(processors).forEach(builder::processor), RpcFixture.definitions(this.service));
	}

	private Documents client(RpcServer server, RpcProcessor... processors) {
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> List.of(processors).forEach(builder::processor));
		ClientDefinition definition = new ClientDefinition(Documents.class, null, null, RpcFixture.TIMEOUT,
				(method) -> method.getName().equals("record") ? new ClientMethodOptions(null, true, null) : null);
		return this.rpc.client(definition, channel);
	}

	private static PayloadEncryption encryption(String keyId, byte[] key) {
		return PayloadEncryption.builder().key(keyId, key).build();
	}

	private PayloadCompression compression() {
		PayloadCompression compression = PayloadCompression.builder().threshold(256).build();
		this.rpc.onClose(compression::close);
		return compression;
	}

	/**
	 * A processor that changes outgoing payloads of one kind, placed after the others to
	 * act on what goes on the wire.
	 */
	private static RpcProcessor tap(Kind kind, UnaryOperator<byte[]> change) {
		return new RpcProcessor() {

			@Override
			public byte[] outbound(MessageInfo message, byte[] payload) {
				return (message.kind() == kind) ? change.apply(payload) : payload;
			}

			@Override
			public byte[] inbound(MessageInfo message, byte[] payload) {
				return payload;
			}

		};
	}

	private static void assertRefused(Runnable call, RpcStatus status, String description) {
		assertThatExceptionOfType(RpcException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(status);
			assertThat(ex.getDescription()).contains(description);
		});
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 17 + i);
		}
		return key;
	}

	public interface Documents {

		String echo(String text);

		String repeat(String text, int times);

		CompletableFuture<Integer> length(String text);

		void record(String event);

	}

	static class DocumentService implements Documents {

		final AtomicInteger calls = new AtomicInteger();

		final List<String> recorded = new CopyOnWriteArrayList<>();

		@Override
		public String echo(String text) {
			this.calls.incrementAndGet();
			return text;
		}

		@Override
		public String repeat(String text, int times) {
			return text.repeat(times);
		}

		@Override
		public CompletableFuture<Integer> length(String text) {
			return CompletableFuture.completedFuture(text.length());
		}

		@Override
		public void record(String event) {
			this.recorded.add(event);
		}

	}

}
