package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code easyrpc.client.stream-window}: the credit an auto-configured client grants a
 * server stream ahead of its consumer.
 */
class EasyRpcStreamWindowTests {

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(CounterService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(CounterClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	@Test
	void whenNothingIsSetThenTheProducerRunsAtMost32ItemsAhead() {
		assertProducerAhead(32);
	}

	@Test
	void whenStreamWindowIsSetThenTheProducerRunsThatManyItemsAhead() {
		assertProducerAhead(100, "easyrpc.client.stream-window=100");
	}

	private void assertProducerAhead(int window, String... properties) {
		this.serverRunner.run((server) -> {
			CounterService counter = server.getBean(CounterService.class);
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.counter.address=tcp://127.0.0.1:" + port)
				.withPropertyValues(properties)
				.run((client) -> {
					try (Stream<Long> items = client.getBean(CounterClient.class).count()) {
						Iterator<Long> iterator = items.iterator();
						assertThat(iterator.next()).isZero();
						// The first credit is the whole window; the consumer took one
						// item,
						// less than the half window that would grant more.
						await().atMost(Duration.ofSeconds(10)).until(() -> counter.produced.get() == window);
						assertThat(counter.produced.get()).isEqualTo(window);
					}
				});
		});
	}

	public interface Counter {

		Stream<Long> count();

	}

	@RpcClient(target = "counter")
	public interface CounterClient extends Counter {

	}

	@RpcService
	static class CounterService implements Counter {

		final AtomicLong produced = new AtomicLong();

		@Override
		public Stream<Long> count() {
			this.produced.set(0);
			return Stream.iterate(0L, (i) -> i + 1).peek((i) -> this.produced.incrementAndGet());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = CounterClient.class)
	static class CounterClientConfiguration {

	}

}
