package io.easyrpc.it;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The in-process transport serves the same calls as TCP, without a socket.
 */
@ExtendWith(LeakDetectionExtension.class)
class InProcessTransportTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private Greeter greeter(RpcAddress address) {
		RpcServer server = this.rpc.server(address, (builder) -> {
		}, RpcFixture.definitions(new GreeterService()));
		assertThat(server.port()).isEqualTo(-1);
		RpcChannel channel = this.rpc.channel(address, (builder) -> {
		});
		return this.rpc.client(Greeter.class, channel);
	}

	@Test
	void blockingAndAsyncCallsWork() throws Exception {
		Greeter greeter = greeter(RpcAddress.inProcess("greeter-" + UUID.randomUUID()));
		assertThat(greeter.hello("Ada")).isEqualTo("Hello, Ada");
		assertThat(greeter.lengthAsync("four").get(5, TimeUnit.SECONDS)).isEqualTo(4);
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			calls.add(greeter.lengthAsync("x".repeat(i)));
		}
		for (int i = 0; i < 1000; i++) {
			assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
		}
	}

	@Test
	void exceptionsPropagate() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Greeter.hello threw an unexpected exception");
		Greeter greeter = greeter(RpcAddress.inProcess("greeter-" + UUID.randomUUID()));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> greeter.hello(""))
			.withMessage("name must not be empty");
	}

	@Test
	void contextCarriesMetadataHeaders() {
		Greeter greeter = greeter(RpcAddress.parse("inproc://greeter-" + UUID.randomUUID()));
		try (RpcContext.Scope scope = RpcContext.withMetadata(java.util.Map.of("tenant", "acme"))) {
			assertThat(greeter.tenant()).isEqualTo("acme");
		}
		assertThat(greeter.tenant()).isEqualTo("none");
	}

	@Test
	void unknownInProcessNameFailsWithUnavailable() {
		RpcChannel channel = this.rpc.channel(RpcAddress.inProcess("nobody-" + UUID.randomUUID()), (builder) -> {
		});
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
	}

	public interface Greeter {

		String hello(String name);

		CompletableFuture<Integer> lengthAsync(String text);

		String tenant();

	}

	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			if (name.isEmpty()) {
				throw new IllegalArgumentException("name must not be empty");
			}
			return "Hello, " + name;
		}

		@Override
		public CompletableFuture<Integer> lengthAsync(String text) {
			return CompletableFuture.completedFuture(text.length());
		}

		@Override
		public String tenant() {
			String tenant = RpcContext.current().header("tenant");
			return (tenant != null) ? tenant : "none";
		}

	}

}
