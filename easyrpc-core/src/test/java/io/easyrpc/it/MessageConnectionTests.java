package io.easyrpc.it;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.server.MessageConnection;
import io.easyrpc.internal.transport.MessageChannel;
import io.easyrpc.it.TransportContractTests.Contract;
import io.easyrpc.it.TransportContractTests.ContractService;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A message connection opened on a running server without Spring: calls through it, and
 * its end from either side. The server allocates from a {@link TrackingByteBufAllocator};
 * every buffer must be released once the test is done.
 */
class MessageConnectionTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private final RpcFixture rpc = new RpcFixture();

	private final ContractService service = new ContractService();

	private final TrackingByteBufAllocator allocator = new TrackingByteBufAllocator(false);

	@AfterEach
	void closeAndCheckEveryBufferIsReleased() {
		this.rpc.close();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.allocator.unreleased())
				.as("unreleased buffers:%n%s", this.allocator.describeUnreleased())
				.isEmpty());
	}

	@Test
	void unaryServerStreamAndClientStreamCallsTravelThroughIt() throws Exception {
		RpcServer server = server();
		Contract contract = client(endpoint(server));
		assertThat(contract.hello("Ada")).isEqualTo("Hello, Ada");
		assertThat(contract.count(1000).collectList().block(WAIT)).hasSize(1000).startsWith(0, 1).endsWith(999);
		assertThat(contract.sum(Flux.range(1, 100)).get(10, TimeUnit.SECONDS)).isEqualTo(5050);
		assertThat(contract.peer()).isNotBlank();
	}

	@Test
	void peerClosingEndsTheConnectionAndCancelsItsCalls() {
		RpcServer server = server();
		MessageEndpoint endpoint = endpoint(server);
		RpcChannel channel = this.rpc.channel(address(endpoint), (builder) -> builder.allocator(this.allocator));
		Contract contract = this.rpc.client(new ClientDefinition(Contract.class, "ContractApi", null, WAIT, null),
				channel);
		AtomicInteger received = new AtomicInteger();
		Disposable stream = contract.endless().subscribe((item) -> received.incrementAndGet(), (error) -> {
		});
		try {
			await().atMost(WAIT).until(() -> received.get() > 10);
			MessageConnection connection = endpoint.connections().peek();
			assertThat(connection).isNotNull();
			assertThat(connection.isOpen()).isTrue();
			channel.close();
			await().atMost(WAIT).until(() -> !connection.isOpen());
			await().atMost(WAIT).untilTrue(this.service.endlessCancelled);
		}
		finally {
			stream.dispose();
		}
	}

	@Test
	void peerClosingClosesTheSinkOnce() {
		RpcServer server = server();
		RecordingSink sink = new RecordingSink();
		MessageConnection connection = open(server, sink);
		sendPreface(connection);
		await().atMost(WAIT).until(() -> !sink.messages.isEmpty());
		assertThat(sink.messages.get(0)).hasSize(Preface.LENGTH);
		connection.close();
		connection.close();
		await().atMost(WAIT).until(() -> sink.closes.get() == 1);
		assertThat(connection.isOpen()).isFalse();
		assertThat(sink.reason).isNull();
		// Whatever still arrives is dropped.
		connection.receive(ByteBuffer.wrap(new byte[] { 1, 2, 3 }), true);
		assertThat(sink.closes.get()).isEqualTo(1);
	}

	@Test
	void serverStoppingSaysGoodbyeAndClosesTheSink() {
		RpcServer server = server();
		RecordingSink sink = new RecordingSink();
		MessageConnection connection = open(server, sink);
		sendPreface(connection);
		await().atMost(WAIT).until(() -> !sink.messages.isEmpty());
		int before = sink.messages.size();
		server.stop(Duration.ofSeconds(1));
		await().atMost(WAIT).until(() -> sink.closes.get() == 1);
		assertThat(sink.reason).isNull();
		assertThat(sink.messages).hasSizeGreaterThan(before);
		assertThat(connection.isOpen()).isFalse();
	}

	@Test
	void serverStoppingEndsTheConnectionsOfTheEndpoint() throws Exception {
		RpcServer server = server();
		MessageEndpoint endpoint = endpoint(server);
		Contract contract = client(endpoint);
		assertThat(contract.hello("Ada")).isEqualTo("Hello, Ada");
		MessageConnection connection = endpoint.connections().peek();
		assertThat(connection).isNotNull();
		server.stop(Duration.ofSeconds(1));
		await().atMost(WAIT).until(() -> !connection.isOpen());
	}

	@Test
	void aFirstMessageThatIsNoPrefaceClosesTheSinkWithAReason() {
		RpcServer server = server();
		RecordingSink sink = new RecordingSink();
		MessageConnection connection = open(server, sink);
		connection.receive(ByteBuffer.wrap(new byte[] { 1, 2, 3 }), true);
		await().atMost(WAIT).until(() -> sink.closes.get() == 1);
		assertThat(sink.reason).contains("preface");
		assertThat(connection.isOpen()).isFalse();
	}

	@Test
	void aMessageLargerThanTheMaximumFrameSizeIsRefused() {
		RpcServer server = server();
		RecordingSink sink = new RecordingSink();
		MessageConnection connection = open(server, sink);
		sendPreface(connection);
		// The first part already passes the maximum: refused before the rest arrives.
		connection.receive(ByteBuffer.allocate(MAX_FRAME_SIZE + 1), false);
		await().atMost(WAIT).until(() -> sink.closes.get() == 1);
		// The server's preface, then the GOAWAY frame that says why.
		assertThat(sink.messages).hasSizeGreaterThanOrEqualTo(2);
		assertThat(sink.reason).isNull();
		assertThat(connection.isOpen()).isFalse();
	}

	@Test
	void aStoppedServerOpensNoConnection() {
		RpcServer server = server();
		server.stop(Duration.ZERO);
		RecordingSink sink = new RecordingSink();
		assertThatIllegalStateException().isThrownBy(() -> open(server, sink));
	}

	private RpcServer server() {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.allocator(this.allocator).maxFrameSize(MAX_FRAME_SIZE),
				RpcFixture.definitions(this.service));
	}

	private MessageEndpoint endpoint(RpcServer server) {
		MessageEndpoint endpoint = new MessageEndpoint(server, MAX_FRAME_SIZE);
		this.rpc.onClose(endpoint::close);
		return endpoint;
	}

	private static RpcAddress address(MessageEndpoint endpoint) {
		return RpcAddress.parse("ws://127.0.0.1:" + endpoint.port() + MessageEndpoint.PATH);
	}

	private Contract client(MessageEndpoint endpoint) {
		RpcChannel channel = this.rpc.channel(address(endpoint), (builder) -> builder.allocator(this.allocator));
		return this.rpc.client(new ClientDefinition(Contract.class, "ContractApi", null, WAIT, null), channel);
	}

	private static MessageConnection open(RpcServer server, RecordingSink sink) {
		return server.openMessageConnection(CallInfo.WEBSOCKET, new InetSocketAddress("127.0.0.1", 40000),
				new InetSocketAddress("127.0.0.1", 8080), sink);
	}

	private static void sendPreface(MessageConnection connection) {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE).writeTo(preface);
		connection.receive(preface.nioBuffer(), true);
	}

	private static final class RecordingSink implements MessageChannel.Sink {

		final List<byte[]> messages = new CopyOnWriteArrayList<>();

		final AtomicInteger closes = new AtomicInteger();

		volatile @Nullable String reason;

		@Override
		public void send(ByteBuf message) {
			try {
				this.messages.add(ByteBufUtil.getBytes(message));
			}
			finally {
				message.release();
			}
		}

		@Override
		public void close(@Nullable String reason) {
			this.reason = reason;
			this.closes.incrementAndGet();
		}

	}

}
