package io.easyrpc.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmokeTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	public interface Greeter {

		String hello(String name);

		CompletableFuture<Integer> length(String text);

		void fail(String message);

	}

	static class GreeterImpl implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public CompletableFuture<Integer> length(String text) {
			return CompletableFuture.completedFuture(text.length());
		}

		@Override
		public void fail(String message) {
			throw new IllegalArgumentException(message);
		}

	}

	@Test
	void callsOverTcp() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Greeter.fail threw an unexpected exception");
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new GreeterImpl()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec)
			.build();
		server.start();
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(codec).build()) {
			Greeter greeter = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Greeter.class, Duration.ofSeconds(5)), channel);
			assertThat(greeter.hello("Ada")).isEqualTo("Hello, Ada");
			assertThat(greeter.length("abcd").get()).isEqualTo(4);
			assertThatThrownBy(() -> greeter.fail("bad")).isInstanceOf(IllegalArgumentException.class)
				.hasMessage("bad");
		}
		finally {
			server.stop(Duration.ofSeconds(1));
		}
	}

}
