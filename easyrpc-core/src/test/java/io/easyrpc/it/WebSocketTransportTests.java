package io.easyrpc.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The client over WebSocket, against an {@link RpcServer} whose port serves the WebSocket
 * wire format ({@link WebSocketServers}) over real sockets: calls, streams, refused
 * upgrades and TLS.
 */
@ExtendWith(LeakDetectionExtension.class)
class WebSocketTransportTests {

	private static final TestPki PKI = TestPki.create("websocket");

	private static final int MAX_FRAME_SIZE = 1024 * 1024;

	private final RpcFixture rpc = new RpcFixture();

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		this.rpc.close();
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void unaryCallsOverWebSocket() {
		RpcServer server = webSocketServer((builder) -> {
		});
		RpcChannel channel = this.rpc.channel(ws(server, "/easyrpc"), (builder) -> {
		});
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThat(greeter.hello("Ada")).isEqualTo("Hello, Ada");
		assertThat(greeter.hello("x".repeat(100_000))).hasSize(100_007);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
		assertThat(channel.isTls()).isFalse();
		assertThat(server.connections()).hasSize(1);
	}

	@Test
	void manyConcurrentCallsShareOneConnection() {
		RpcServer server = webSocketServer((builder) -> {
		});
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(ws(server, "/easyrpc"), (builder) -> {
		}));
		List<String> answers = Flux.range(0, 200)
			.flatMap((i) -> Flux.from(reactor.core.publisher.Mono.fromFuture(greeter.helloLater("n" + i))), 64)
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(answers).hasSize(200).contains("Hello, n0", "Hello, n199");
		assertThat(server.connections()).hasSize(1);
	}

	@Test
	void serverStreamOverWebSocket() {
		RpcServer server = webSocketServer((builder) -> {
		});
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(ws(server, "/easyrpc"), (builder) -> {
		}));
		try (Stream<Integer> numbers = greeter.count(1000)) {
			assertThat(numbers.mapToLong(Integer::longValue).sum()).isEqualTo(999L * 1000 / 2);
		}
		assertThat(greeter.countFlux(100).collectList().block(Duration.ofSeconds(10))).hasSize(100)
			.startsWith(0, 1, 2)
			.endsWith(99);
	}

	@Test
	void clientObserversSeeTheTransportOfTheAddress() {
		RpcServer webSocket = webSocketServer((builder) -> {
		});
		RpcServer tcp = this.rpc.tcpServer(new GreeterImpl());
		List<String> transports = new CopyOnWriteArrayList<>();
		for (RpcAddress address : List.of(ws(webSocket, "/easyrpc"), RpcFixture.address(tcp))) {
			RpcChannel channel = this.rpc.channel(address, (builder) -> builder.observer((call) -> {
				transports.add(call.transport());
				return null;
			}));
			assertThat(this.rpc.client(Greeter.class, channel).hello("Ada")).isEqualTo("Hello, Ada");
		}
		assertThat(transports).containsExactly(CallInfo.WEBSOCKET, CallInfo.TCP);
	}

	@Test
	void closingTheClientSendsACloseFrame() {
		List<Integer> closeCodes = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				WebSocketServers.webSocket("/easyrpc", MAX_FRAME_SIZE,
						(pipeline) -> pipeline.addBefore("webSocket", "closeProbe", new ChannelInboundHandlerAdapter() {

							@Override
							public void channelRead(ChannelHandlerContext ctx, Object msg) {
								if (msg instanceof CloseWebSocketFrame close) {
									closeCodes.add(close.statusCode());
								}
								ctx.fireChannelRead(msg);
							}

						})),
				RpcFixture.definitions(new GreeterImpl()));
		RpcChannel channel = this.rpc.channel(ws(server, "/easyrpc"), (builder) -> {
		});
		assertThat(this.rpc.client(Greeter.class, channel).hello("Ada")).isEqualTo("Hello, Ada");
		channel.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> server.connections().isEmpty());
		assertThat(closeCodes).containsExactly(1000);
	}

	@Test
	void wrongPathFailsWithTheUriAndTheHttpStatusAndBacksOff() {
		RpcServer server = webSocketServer((builder) -> {
		});
		RpcAddress wrong = ws(server, "/wrong");
		RpcChannel channel = this.rpc.channel(wrong, (builder) -> builder.initialBackoff(Duration.ofSeconds(30)));
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("WebSocket handshake with " + wrong + " failed")
			.withMessageContaining("HTTP 404 Not Found");
		assertThat(channel.state()).isEqualTo(RpcChannel.State.TRANSIENT_FAILURE);
		// Counted as a failed attempt: the next call fails at once, within the back-off.
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.withMessageContaining("HTTP 404 Not Found")
			.withMessageContaining("next attempt in");
		assertThat(server.connections()).isEmpty();
	}

	@Test
	void plainEasyRpcPortIsNotAWebSocketEndpoint() {
		RpcServer server = this.rpc.tcpServer(new GreeterImpl());
		RpcAddress address = ws(server, "/easyrpc");
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(address, (builder) -> {
		}));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("WebSocket handshake with " + address + " failed")
			.withMessageContaining("the server answered with an easyrpc preface: it is an easyrpc TCP port");
	}

	@Test
	void silentServerTimesTheHandshakeOut() throws IOException {
		ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
		List<Socket> accepted = new CopyOnWriteArrayList<>();
		Thread acceptor = new Thread(() -> {
			try {
				while (true) {
					accepted.add(silent.accept());
				}
			}
			catch (IOException ex) {
				// closed
			}
		});
		acceptor.setDaemon(true);
		acceptor.start();
		this.closeables.add(() -> {
			silent.close();
			for (Socket socket : accepted) {
				socket.close();
			}
		});
		RpcAddress address = RpcAddress.parse("ws://127.0.0.1:" + silent.getLocalPort() + "/easyrpc");
		Greeter greeter = this.rpc.client(Greeter.class,
				this.rpc.channel(address, (builder) -> builder.connectTimeout(Duration.ofMillis(300))));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.withMessageContaining("WebSocket handshake with " + address + " not done within 300 ms");
	}

	@Test
	void secureWebSocketWithTheServersCertificate() {
		RpcServer server = webSocketServer((builder) -> builder.sslContext(PKI.serverContext()));
		RpcAddress address = RpcAddress.parse("wss://localhost:" + server.port() + "/easyrpc");
		RpcChannel channel = this.rpc.channel(address, (builder) -> builder.sslContext(PKI.clientContext(false)));
		assertThat(channel.isTls()).isTrue();
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThat(greeter.hello("over wss")).isEqualTo("Hello, over wss");
		try (Stream<Integer> numbers = greeter.count(10)) {
			assertThat(numbers).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		}
		assertThat(server.connections()).singleElement()
			.satisfies((connection) -> assertThat(connection.peer()).isNotNull());
	}

	@Test
	void secureWebSocketTrustsTheJdkDefaultsWhenNoContextIsGiven() {
		RpcServer server = webSocketServer((builder) -> builder.sslContext(PKI.serverContext()));
		RpcAddress address = RpcAddress.parse("wss://localhost:" + server.port() + "/easyrpc");
		RpcChannel channel = this.rpc.channel(address, (builder) -> {
		});
		assertThat(channel.isTls()).isTrue();
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
			.withMessageContaining("TLS handshake with " + address + " failed");
	}

	@Test
	void secureWebSocketChecksTheHostName() {
		RpcServer server = webSocketServer((builder) -> builder.sslContext(PKI.serverContext()));
		RpcAddress address = RpcAddress.parse("wss://localhost:" + server.port() + "/easyrpc");
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(address,
				(builder) -> builder.sslContext(PKI.clientContext(false)).sslServerName("other.example")));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.withMessageContaining("TLS handshake with " + address + " failed");
	}

	@Test
	void plainWebSocketAddressRefusesATlsContext() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcChannel.builder(RpcAddress.parse("ws://localhost:8080/easyrpc"))
				.sslContext(PKI.clientContext(false))
				.build())
			.withMessageContaining("use wss://");
	}

	private RpcServer webSocketServer(java.util.function.Consumer<RpcServer.Builder> customizer) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				WebSocketServers.webSocket("/easyrpc", MAX_FRAME_SIZE).andThen(customizer),
				RpcFixture.definitions(new GreeterImpl()));
	}

	private static RpcAddress ws(RpcServer server, String path) {
		return RpcAddress.parse("ws://127.0.0.1:" + server.port() + path);
	}

	public interface Greeter {

		String hello(String name);

		java.util.concurrent.CompletableFuture<String> helloLater(String name);

		Stream<Integer> count(int count);

		Flux<Integer> countFlux(int count);

	}

	static class GreeterImpl implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public java.util.concurrent.CompletableFuture<String> helloLater(String name) {
			return java.util.concurrent.CompletableFuture.completedFuture(hello(name));
		}

		@Override
		public Stream<Integer> count(int count) {
			return Stream.iterate(0, (i) -> i + 1).limit(count);
		}

		@Override
		public Flux<Integer> countFlux(int count) {
			return Flux.range(0, count);
		}

	}

}
