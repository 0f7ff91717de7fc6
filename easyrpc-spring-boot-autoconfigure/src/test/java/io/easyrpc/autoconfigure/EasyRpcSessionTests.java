package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link RpcSession} between an {@link RpcClient} and an {@link RpcService} in one
 * auto-configured context over the in-process transport, and the
 * {@code easyrpc.server.max-sessions-per-connection} property.
 */
class EasyRpcSessionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withBean(CounterService.class)
		.withUserConfiguration(CounterClientConfiguration.class);

	private ApplicationContextRunner inProcess() {
		String name = "session-" + UUID.randomUUID();
		return this.runner.withPropertyValues("easyrpc.server.port=-1", "easyrpc.server.in-process-name=" + name,
				"easyrpc.client.targets.counter.address=inproc://" + name, "easyrpc.client.timeout=10s",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");
	}

	@Test
	void whenCallsAreMadeInASessionThenTheServiceSharesItsAttributes() {
		inProcess().run((context) -> {
			assertThat(context).hasNotFailed();
			CounterClient counter = context.getBean(CounterClient.class);
			RpcServer server = context.getBean(RpcServer.class);
			try (RpcSession session = RpcSession.open()) {
				assertThat(counter.increment()).isEqualTo(1);
				assertThat(counter.increment()).isEqualTo(2);
				assertThat(server.sessionCount()).isEqualTo(1);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 0);
			assertThat(RpcSession.call(() -> counter.increment() + counter.increment())).isEqualTo(3);
			assertThat(counter.increment()).isZero();
		});
	}

	@Test
	void whenNoPropertyIsSetThenAConnectionMayHaveAThousandSessions() {
		inProcess()
			.run((context) -> assertThat(context.getBean(RpcServer.class).maxSessionsPerConnection()).isEqualTo(1000));
	}

	@Test
	void whenMaxSessionsPerConnectionIsSetThenFurtherSessionsAreRefused() {
		inProcess().withPropertyValues("easyrpc.server.max-sessions-per-connection=1").run((context) -> {
			assertThat(context.getBean(RpcServer.class).maxSessionsPerConnection()).isEqualTo(1);
			CounterClient counter = context.getBean(CounterClient.class);
			try (RpcSession first = RpcSession.open()) {
				assertThat(counter.increment()).isEqualTo(1);
				try (RpcSession second = RpcSession.open()) {
					assertThatExceptionOfType(RpcException.class).isThrownBy(counter::increment)
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
				}
			}
		});
	}

	@RpcClient(target = "counter")
	public interface CounterClient extends Counter {

	}

	public interface Counter {

		int increment();

	}

	@RpcService
	static class CounterService implements Counter {

		@Override
		public int increment() {
			ServerSession session = RpcContext.current().session();
			if (session == null) {
				return 0;
			}
			return session.computeIfAbsent("count", (name) -> new AtomicInteger()).incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = CounterClient.class)
	static class CounterClientConfiguration {

	}

}
