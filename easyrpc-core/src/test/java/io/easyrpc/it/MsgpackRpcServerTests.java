package io.easyrpc.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MessagePack-RPC peers on the easyrpc port, over real sockets: a client that knows only
 * the spec and msgpack-core.
 */
class MsgpackRpcServerTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final TestPki PKI = TestPki.create("msgpack-rpc");

	private final RpcFixture rpc = new RpcFixture();

	private final CalculatorImpl calculator = new CalculatorImpl();

	private final List<AutoCloseable> peers = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable peer : this.peers) {
			peer.close();
		}
		this.rpc.close();
	}

	public interface Calculator {

		int add(int a, int b);

		String hello(String name);

		int size(Map<String, Object> values);

		void fail(String message);

		void record(String item);

		Stream<Integer> count(int n);

	}

	static class CalculatorImpl implements Calculator {

		final Queue<String> recorded = new ConcurrentLinkedQueue<>();

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public int size(Map<String, Object> values) {
			return values.size();
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public void record(String item) {
			this.recorded.add(item);
		}

		@Override
		public Stream<Integer> count(int n) {
			return Stream.iterate(1, (i) -> i + 1).limit(n);
		}

	}

	private RpcServer server(Consumer<RpcServer.Builder> customizer) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), customizer, RpcFixture.definitions(this.calculator));
	}

	private MsgpackRpcPeer peer(RpcServer server) throws Exception {
		MsgpackRpcPeer peer = MsgpackRpcPeer.tcp(server.port());
		this.peers.add(peer);
		return peer;
	}

	@Test
	void positionalAndNamedParamsOverTcp() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(2), ValueFactory.newInteger(3)));
		assertThat(peer.read().toJson()).isEqualTo("[1,1,null,5]");
		peer.request(2, "Calculator.add",
				array(map("b", ValueFactory.newInteger(10), "a", ValueFactory.newInteger(1))));
		assertThat(peer.read().toJson()).isEqualTo("[1,2,null,11]");
		// a map in place of the array is named params too
		peer.request(3, "Calculator.hello", map("name", ValueFactory.newString("Ada")));
		assertThat(peer.read().toJson()).isEqualTo("[1,3,null,\"Hello, Ada\"]");
		// a single Map parameter takes the map as it is
		peer.request(4, "Calculator.size",
				array(map("values", ValueFactory.newInteger(1), "x", ValueFactory.newInteger(2))));
		assertThat(peer.read().toJson()).isEqualTo("[1,4,null,2]");
		// the largest msgid comes back unchanged
		peer.request(0xffffffffL, "Calculator.hello", array(ValueFactory.newString("Bob")));
		assertThat(peer.read().toJson()).isEqualTo("[1,4294967295,null,\"Hello, Bob\"]");
	}

	@Test
	void errorsAreMapsWithStatusCodeMessageAndData() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Calculator.fail threw an unexpected exception");
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		peer.request(1, "Calculator.fail", array(ValueFactory.newString("no")));
		Value failed = peer.read();
		assertThat(failed.asArrayValue().get(3).isNilValue()).isTrue();
		Map<Value, Value> error = failed.asArrayValue().get(2).asMapValue().map();
		assertThat(error.get(ValueFactory.newString("status")).toString()).isEqualTo("APPLICATION_ERROR");
		assertThat(error.get(ValueFactory.newString("code")).asIntegerValue().asInt()).isEqualTo(2);
		assertThat(error.get(ValueFactory.newString("message")).toString()).isEqualTo("no");
		assertThat(error.get(ValueFactory.newString("data")).toJson())
			.isEqualTo("{\"exception\":\"java.lang.IllegalStateException\"}");
		peer.request(2, "Calculator.nothing", array());
		assertThat(peer.read().asArrayValue().get(2).toJson()).contains("\"status\":\"NOT_FOUND\"");
		peer.request(3, "Calculator.add", array(ValueFactory.newString("x")));
		assertThat(peer.read().asArrayValue().get(2).toJson()).contains("\"status\":\"INVALID_ARGUMENT\"");
		peer.request(4, "Calculator.count", array(ValueFactory.newInteger(3)));
		assertThat(peer.read().asArrayValue().get(2).toJson()).contains("\"status\":\"INVALID_ARGUMENT\"")
			.contains("streams are easyrpc-only");
	}

	@Test
	void notificationsRunWithoutResponse() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		peer.notify("Calculator.record", array(ValueFactory.newString("first")));
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(1), ValueFactory.newInteger(1)));
		// the only message is the response
		assertThat(peer.read().toJson()).isEqualTo("[1,1,null,2]");
		await().untilAsserted(() -> assertThat(this.calculator.recorded).containsExactly("first"));
	}

	@Test
	void pipelinedCallsAreAllAnswered() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		int calls = 1000;
		for (int i = 0; i < calls; i++) {
			packer.packArrayHeader(4).packInt(0).packInt(i).packString("Calculator.add");
			packer.packArrayHeader(2).packInt(i).packInt(1);
		}
		peer.send(packer.toByteArray());
		Map<Long, Long> results = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			Value response = peer.read();
			results.put(response.asArrayValue().get(1).asIntegerValue().toLong(),
					response.asArrayValue().get(3).asIntegerValue().toLong());
		}
		assertThat(results).hasSize(calls);
		results.forEach((msgid, result) -> assertThat(result).isEqualTo(msgid + 1));
	}

	@Test
	void malformedRequestWithMsgidIsAnsweredAndTheConnectionStays() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		// [0, 7, 5, []]: the method is not a string
		peer.send(new byte[] { (byte) 0x94, 0x00, 0x07, 0x05, (byte) 0x90 });
		Value response = peer.read();
		assertThat(response.asArrayValue().get(1).asIntegerValue().asInt()).isEqualTo(7);
		assertThat(response.asArrayValue().get(2).toJson()).contains("\"status\":\"INVALID_ARGUMENT\"")
			.contains("method must be a string");
		peer.request(8, "Calculator.add", array(ValueFactory.newInteger(1), ValueFactory.newInteger(2)));
		assertThat(peer.read().toJson()).isEqualTo("[1,8,null,3]");
	}

	@Test
	void malformedMessageWithoutMsgidClosesTheConnection() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> {
		}));
		// [0, "x", "m", []]: no msgid to answer
		peer.send(new byte[] { (byte) 0x94, 0x00, (byte) 0xa1, 'x', (byte) 0xa1, 'm', (byte) 0x90 });
		assertThat(peer.isClosedByServer()).isTrue();
	}

	@Test
	void easyrpcClientsAndMessagePackRpcPeersShareThePortAndAreObservedApart() throws Exception {
		Queue<CallInfo> observed = new ConcurrentLinkedQueue<>();
		ServerCallObserver observer = (call) -> {
			observed.add(call);
			return (CallObservation) null;
		};
		RpcServer server = server((builder) -> builder.observer(observer));
		Calculator client = this.rpc.client(Calculator.class, this.rpc.channel(server));
		assertThat(client.add(1, 2)).isEqualTo(3);
		MsgpackRpcPeer peer = peer(server);
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(2), ValueFactory.newInteger(2)));
		assertThat(peer.read().toJson()).isEqualTo("[1,1,null,4]");
		assertThat(client.hello("again")).isEqualTo("Hello, again");
		await().untilAsserted(() -> assertThat(observed).extracting(CallInfo::protocol)
			.containsExactly(CallInfo.EASYRPC, CallInfo.MSGPACK_RPC, CallInfo.EASYRPC));
		assertThat(observed).extracting(CallInfo::transport).containsOnly(CallInfo.TCP);
	}

	@Test
	void servedOverAUnixSocket() throws Exception {
		Path directory = Files.createTempDirectory("easyrpc");
		Path socket = directory.resolve("rpc.sock");
		try {
			this.rpc.server(RpcAddress.unix(socket.toString()), (builder) -> {
			}, RpcFixture.definitions(this.calculator));
			try (MsgpackRpcPeer peer = MsgpackRpcPeer.unix(socket)) {
				peer.request(1, "Calculator.hello", array(ValueFactory.newString("unix")));
				assertThat(peer.read().toJson()).isEqualTo("[1,1,null,\"Hello, unix\"]");
			}
		}
		finally {
			this.rpc.close();
			Files.deleteIfExists(socket);
			Files.deleteIfExists(directory);
		}
	}

	@Test
	void servedOverTlsAfterTheHandshake() throws Exception {
		RpcServer server = server((builder) -> builder.sslContext(PKI.serverContext()));
		try (MsgpackRpcPeer peer = MsgpackRpcPeer.tls(server.port(), PKI.ca())) {
			peer.request(1, "Calculator.hello", array(ValueFactory.newString("tls")));
			assertThat(peer.read().toJson()).isEqualTo("[1,1,null,\"Hello, tls\"]");
		}
	}

	@Test
	void servedOverWebSocketWhateverTheMessagesHold() throws Exception {
		RpcServer server = server((builder) -> {
		});
		try (MessageEndpoint endpoint = new MessageEndpoint(server, 64 * 1024)) {
			BlockingQueue<Value> received = new LinkedBlockingQueue<>();
			WebSocket socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.buildAsync(URI.create("ws://127.0.0.1:" + endpoint.port() + MessageEndpoint.PATH),
						new MessageCollector(received))
				.get(10, TimeUnit.SECONDS);
			MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
			packer.packArrayHeader(4).packInt(0).packInt(1).packString("Calculator.add");
			packer.packArrayHeader(2).packInt(20).packInt(22);
			packer.packArrayHeader(4).packInt(0).packInt(2).packString("Calculator.hello");
			packer.packArrayHeader(1).packString("ws");
			byte[] bytes = packer.toByteArray();
			// two requests, cut across three binary messages
			socket.sendBinary(ByteBuffer.wrap(bytes, 0, 3), true).get(10, TimeUnit.SECONDS);
			socket.sendBinary(ByteBuffer.wrap(bytes, 3, 20), true).get(10, TimeUnit.SECONDS);
			socket.sendBinary(ByteBuffer.wrap(bytes, 23, bytes.length - 23), true).get(10, TimeUnit.SECONDS);
			List<String> responses = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				Value value = received.poll(10, TimeUnit.SECONDS);
				assertThat(value).isNotNull();
				responses.add(value.toJson());
			}
			assertThat(responses).containsExactlyInAnyOrder("[1,1,null,42]", "[1,2,null,\"Hello, ws\"]");
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void refusedByDefaultWhenTheServerRequiresASharedSecret() throws Exception {
		MsgpackRpcPeer peer = peer(server((builder) -> builder.sharedSecret("secret")));
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(1), ValueFactory.newInteger(2)));
		Value response = peer.read();
		assertThat(response.asArrayValue().get(2).toJson()).contains("\"status\":\"UNAUTHENTICATED\"")
			.contains("msgpack-rpc.enabled=true");
		assertThat(peer.isClosedByServer()).isTrue();
		assertThat(this.calculator.recorded).isEmpty();
	}

	@Test
	void servedWithASharedSecretWhenExplicitlyEnabled() throws Exception {
		RpcServer server = server((builder) -> builder.sharedSecret("secret").msgpackRpc(true));
		MsgpackRpcPeer peer = peer(server);
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(1), ValueFactory.newInteger(2)));
		assertThat(peer.read().toJson()).isEqualTo("[1,1,null,3]");
		// easyrpc clients still authenticate
		Calculator client = this.rpc.client(Calculator.class,
				this.rpc.channel(RpcFixture.address(server), (builder) -> builder.sharedSecret("secret")));
		assertThat(client.add(2, 2)).isEqualTo(4);
	}

	@Test
	void refusedWhenDisabled() throws Exception {
		RpcServer server = server((builder) -> builder.msgpackRpc(false));
		MsgpackRpcPeer peer = peer(server);
		peer.request(1, "Calculator.add", array(ValueFactory.newInteger(1), ValueFactory.newInteger(2)));
		assertThat(peer.read().asArrayValue().get(2).toJson()).contains("\"status\":\"PERMISSION_DENIED\"");
		assertThat(peer.isClosedByServer()).isTrue();
		Calculator client = this.rpc.client(Calculator.class, this.rpc.channel(server));
		assertThat(client.add(2, 2)).isEqualTo(4);
	}

	private static Value array(Value... values) {
		return ValueFactory.newArray(values);
	}

	private static Value map(Object... keysAndValues) {
		Map<Value, Value> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put(ValueFactory.newString((String) keysAndValues[i]), (Value) keysAndValues[i + 1]);
		}
		return ValueFactory.newMap(map);
	}

	private static final class MessageCollector implements WebSocket.Listener {

		private final BlockingQueue<Value> received;

		private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

		MessageCollector(BlockingQueue<Value> received) {
			this.received = received;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.pending.writeBytes(bytes);
			if (last) {
				try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(this.pending.toByteArray())) {
					while (unpacker.hasNext()) {
						this.received.add(unpacker.unpackValue());
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				this.pending.reset();
			}
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

	}

}
