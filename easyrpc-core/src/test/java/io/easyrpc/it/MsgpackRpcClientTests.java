package io.easyrpc.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;

import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.middleware.PayloadCompression;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Clients of {@code msgpack-rpc://} and {@code msgpack-rpc+unix:} addresses calling a
 * plain MessagePack-RPC server over real sockets: {@link TinyMsgpackRpcServer}, which
 * shares no MessagePack-RPC code with easyrpc.
 */
@ExtendWith(LeakDetectionExtension.class)
class MsgpackRpcClientTests {

	private final TinyMsgpackRpcServer server = TinyMsgpackRpcServer.tcp();

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private RpcChannel channel = RpcChannel.builder(this.server.address())
		.msgpackRpcNotificationListener(
				(address, method, params) -> this.received.add(address + " " + method + " " + params))
		.build();

	@AfterEach
	void close() {
		this.channel.close();
		this.server.close();
	}

	private <T> T client(Class<T> type) {
		return new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(type, Duration.ofSeconds(5)), this.channel);
	}

	@Test
	void callsUseTheBareMethodNameAndPositionalParams() {
		Calculator calculator = client(Calculator.class);
		assertThat(calculator.add(2, 3)).isEqualTo(5);
		assertThat(calculator.sum(40, 2)).isEqualTo(42);
		assertThat(calculator.echo(Map.of("k", List.of("v")))).isEqualTo(Map.of("k", List.of("v")));
		assertThat(this.server.requests).hasSize(3);
		assertThat(this.server.requests.get(0).toJson()).matches("\\[0,[0-9]+,\"add\",\\[2,3\\]\\]");
		assertThat(this.server.requests.get(1).asArrayValue().get(2).asStringValue().asString()).isEqualTo("add");
		assertThat(this.channel.isMsgpackRpc()).isTrue();
	}

	@Test
	void plainChannelCallsTakeTheMethodNameAsGiven() throws Exception {
		ValueType intType = this.channel.codec().valueType(int.class);
		Object result = this.channel
			.call("add", new Object[] { 1, 2 }, new ValueType[] { intType, intType }, intType, Duration.ofSeconds(5),
					Metadata.EMPTY)
			.get(5, TimeUnit.SECONDS);
		assertThat(result).isEqualTo(3);
	}

	@Test
	void responsesAreMatchedByMsgidInAnyOrder() throws Exception {
		Calculator calculator = client(Calculator.class);
		CompletableFuture<Long> first = calculator.hold(1);
		CompletableFuture<Long> second = calculator.hold(2);
		CompletableFuture<Long> third = calculator.hold(3);
		await().until(() -> this.server.requests.size() == 3);
		// Answered 3, 2, 1.
		assertThat(calculator.release()).isEqualTo(3);
		assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo(3);
	}

	@Test
	void errorObjectsBecomeRpcExceptionsWithTheirText() {
		Calculator calculator = client(Calculator.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.fail("out of paper"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR))
			.withMessageContaining("out of paper");
		// Neovim's shape: [type, message].
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.failWith(List.of(1, "E15: bad")))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR))
			.withMessageContaining("E15: bad");
		// The shape of easyrpc servers: its status is kept.
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> calculator.failWith(Map.of("status", "NOT_FOUND", "code", 5, "message", "no such pen")))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND))
			.withMessageContaining("no such pen");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.failWith(42))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR))
			.withMessageContaining("42");
		// The connection carries on.
		assertThat(calculator.add(1, 1)).isEqualTo(2);
	}

	@Test
	void deadlineIsEnforcedOnThisSideAndALateCallIsForgotten() {
		Calculator calculator = client(Calculator.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(calculator::never)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(calculator.add(2, 2)).isEqualTo(4);
		assertThat(this.server.connections).hasValue(1);
	}

	@Test
	void cancelledCallIsForgottenAndItsLateResponseDropped() throws Exception {
		Calculator calculator = client(Calculator.class);
		CompletableFuture<Long> held = calculator.hold(7);
		await().until(() -> this.server.requests.size() == 1);
		held.cancel(true);
		// Its response arrives after the cancel and finds no call.
		assertThat(calculator.release()).isEqualTo(1);
		assertThat(calculator.add(1, 2)).isEqualTo(3);
		assertThat(this.channel.pendingCalls()).isZero();
	}

	@Test
	void oneWayMethodSendsANotification() throws Exception {
		client(Calculator.class).log("hello", 3);
		List<Value> notification = this.server.notifications.poll(5, TimeUnit.SECONDS);
		assertThat(notification).isNotNull();
		assertThat(ValueFactory.newArray(notification).toJson()).isEqualTo("[2,\"log\",[\"hello\",3]]");
	}

	@Test
	void notificationsOfTheServerGoToTheListener() throws Exception {
		assertThat(client(Calculator.class).tell("redraw", List.of(1, "two"))).isTrue();
		assertThat(this.received.poll(5, TimeUnit.SECONDS)).isEqualTo(this.server.address() + " redraw [1, two]");
	}

	@Test
	void requestsOfTheServerAreAnsweredWithAnError() {
		assertThat(client(Calculator.class).ask("whoAreYou"))
			.isEqualTo("easyrpc client serves no requests: cannot run 'whoAreYou'");
	}

	@Test
	void lostConnectionFailsPendingCallsAndTheNextCallReconnects() {
		Calculator calculator = client(Calculator.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(calculator::hangUp)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
		await().untilAsserted(() -> assertThat(calculator.add(3, 4)).isEqualTo(7));
		assertThat(this.server.connections).hasValue(2);
	}

	@Test
	void pingIsAnsweredWithoutTheServer() throws Exception {
		assertThat(this.channel.ping().get(5, TimeUnit.SECONDS)).isNotNull();
		assertThat(this.server.requests).isEmpty();
	}

	@Test
	void unixSocketAddress() throws IOException {
		Path directory = Files.createTempDirectory("mprpc");
		Path socket = directory.resolve("tiny.sock");
		try (TinyMsgpackRpcServer unixServer = TinyMsgpackRpcServer.unix(socket.toString());
				RpcChannel unixChannel = RpcChannel.builder(RpcAddress.parse("msgpack-rpc+unix:" + socket)).build()) {
			Calculator calculator = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Calculator.class, Duration.ofSeconds(5)), unixChannel);
			assertThat(calculator.add(20, 22)).isEqualTo(42);
		}
		finally {
			Files.deleteIfExists(socket);
			Files.deleteIfExists(directory);
		}
	}

	@Test
	void whatTheProtocolCannotCarryFailsClearly() {
		assertThatIllegalStateException().isThrownBy(() -> client(Streaming.class))
			.withMessageContaining("streams are available on easyrpc servers only");
		assertThatIllegalStateException().isThrownBy(() -> client(Idempotent.class))
			.withMessageContaining("idempotency keys (idempotent methods) are available on easyrpc servers only");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcChannel.builder(this.server.address()).sharedSecret(new byte[] { 1 }).build())
			.withMessageContaining("MessagePack-RPC servers have no easyrpc handshake");
		assertThatIllegalArgumentException().isThrownBy(
				() -> RpcChannel.builder(this.server.address()).processor(PayloadCompression.builder().build()).build())
			.withMessageContaining("Payload processors are configured");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> RpcChannel.builder(List.of(this.server.address(), RpcAddress.tcp("127.0.0.1", 1))).build())
			.withMessageContaining("mix MessagePack-RPC and easyrpc servers");
	}

	/** A client of the tiny server. */
	public interface Calculator {

		long add(long a, long b);

		@RpcMethod(name = "add")
		long sum(long a, long b);

		Object echo(Object value);

		String fail(String text);

		String failWith(Object error);

		CompletableFuture<Long> hold(long value);

		int release();

		@RpcMethod(timeout = "200ms")
		String never();

		boolean tell(String method, List<Object> params);

		String ask(String method);

		String hangUp();

		@RpcMethod(oneWay = true)
		void log(String text, int level);

	}

	/** A client with a stream, which MessagePack-RPC cannot carry. */
	public interface Streaming {

		Flow.Publisher<String> lines();

	}

	/** A client with an idempotent method, which MessagePack-RPC cannot carry. */
	public interface Idempotent {

		@RpcMethod(idempotent = true)
		String book(String seat);

	}

}
