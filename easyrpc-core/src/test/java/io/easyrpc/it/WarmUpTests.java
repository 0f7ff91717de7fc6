package io.easyrpc.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.client.RpcChannel.Instance;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RpcChannel#warmUp(int, Duration)} connects to every instance and makes the
 * reflection calls, over real sockets, and says when no instance can be reached.
 */
@ExtendWith(LeakDetectionExtension.class)
class WarmUpTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void warmUpConnectsEveryInstanceThenMakesTheReflectionCalls() throws Exception {
		AtomicInteger reflectionCalls = new AtomicInteger();
		AtomicInteger otherCalls = new AtomicInteger();
		RpcServer first = countingServer(reflectionCalls, otherCalls);
		RpcServer second = countingServer(reflectionCalls, otherCalls);
		RpcChannel channel = channel(List.of(RpcFixture.address(first), RpcFixture.address(second)));
		channel.warmUp(6, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(channel.instances()).hasSize(2).extracting(Instance::state).containsOnly(RpcChannel.State.READY);
		assertThat(reflectionCalls).hasValue(6);
		assertThat(otherCalls).hasValue(0);
	}

	@Test
	void warmUpWithoutCallsOnlyConnects() throws Exception {
		AtomicInteger reflectionCalls = new AtomicInteger();
		AtomicInteger otherCalls = new AtomicInteger();
		RpcServer server = countingServer(reflectionCalls, otherCalls);
		RpcChannel channel = channel(List.of(RpcFixture.address(server)));
		assertThat(channel.state()).isEqualTo(RpcChannel.State.IDLE);
		channel.warmUp(0, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
		assertThat(reflectionCalls).hasValue(0);
	}

	@Test
	void warmUpFailsWithUnavailableWhenNoInstanceCanBeReached() throws Exception {
		RpcChannel channel = channel(List.of(RpcAddress.tcp("127.0.0.1", freePort())));
		assertThat(channel.warmUp(3, WAIT)).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
	}

	@Test
	void warmUpSucceedsWhenOneOfTwoInstancesAnswers() throws Exception {
		AtomicInteger reflectionCalls = new AtomicInteger();
		AtomicInteger otherCalls = new AtomicInteger();
		RpcServer server = countingServer(reflectionCalls, otherCalls);
		RpcChannel channel = channel(List.of(RpcAddress.tcp("127.0.0.1", freePort()), RpcFixture.address(server)));
		channel.warmUp(4, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(reflectionCalls).hasValue(4);
	}

	@Test
	void warmUpRefusesANegativeCallCount() {
		RpcChannel channel = channel(List.of(RpcAddress.tcp("127.0.0.1", 1)));
		assertThatIllegalArgumentException().isThrownBy(() -> channel.warmUp(-1, WAIT))
			.withMessageContaining("calls must not be negative");
	}

	@Test
	void theWarmUpMethodIsTheServersReflectionMethod() {
		assertThat(RpcChannel.WARM_UP_METHOD).isEqualTo(Reflection.DESCRIBE_KEY);
	}

	private RpcServer countingServer(AtomicInteger reflectionCalls, AtomicInteger otherCalls) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.observer((call) -> {
			(call.methodKey().equals(Reflection.DESCRIBE_KEY) ? reflectionCalls : otherCalls).incrementAndGet();
			return null;
		}), RpcFixture.definitions(new EchoService()));
	}

	private RpcChannel channel(List<RpcAddress> addresses) {
		RpcChannel channel = RpcChannel.builder(addresses).codec(RpcFixture.CODEC).build();
		this.rpc.onClose(channel::close);
		return channel;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	public interface Echo {

		String echo(String text);

	}

	static class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

}
