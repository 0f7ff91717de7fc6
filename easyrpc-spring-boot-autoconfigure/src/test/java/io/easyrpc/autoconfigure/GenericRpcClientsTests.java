package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.GenericRpcClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link GenericRpcClients} factory and the {@code <target>GenericRpcClient} beans,
 * calling a server context over a real socket.
 */
class GenericRpcClientsTests {

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(GreeterService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenTargetsAreConfiguredThenEachHasAGenericClientBean() {
		this.clientRunner.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:1",
				"easyrpc.client.targets.billing.address=tcp://127.0.0.1:2", "easyrpc.client.targets.billing.timeout=3s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(GenericRpcClients.class);
				assertThat(context.getBeansOfType(GenericRpcClient.class)).containsOnlyKeys("greeterGenericRpcClient",
						"billingGenericRpcClient");
				GenericRpcClient billing = context.getBean("billingGenericRpcClient", GenericRpcClient.class);
				assertThat(billing.timeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(context.getBean("greeterGenericRpcClient", GenericRpcClient.class).timeout())
					.isEqualTo(Duration.ofSeconds(10));
				assertThat(context.getBean(GenericRpcClients.class).get("billing")).isSameAs(billing);
			});
	}

	@Test
	void whenNoTargetIsConfiguredThenOnlyTheFactoryExists() {
		this.clientRunner.run((context) -> {
			assertThat(context).hasSingleBean(GenericRpcClients.class);
			assertThat(context).doesNotHaveBean(GenericRpcClient.class);
		});
	}

	@Test
	void whenTheApplicationDefinesAClientOfTheSameNameThenItWins() {
		this.clientRunner.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:1")
			.withUserConfiguration(OwnClient.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("greeterGenericRpcClient", GenericRpcClient.class).timeout())
					.isEqualTo(Duration.ofMillis(1234));
			});
	}

	@Test
	void whenTheServerRunsThenTheGenericClientBeanCallsIt() {
		this.serverRunner.run((server) -> {
			assertThat(server).hasNotFailed();
			String port = server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:" + port)
				.run((client) -> {
					assertThat(client).hasNotFailed();
					GenericRpcClient greeter = client.getBean("greeterGenericRpcClient", GenericRpcClient.class);
					assertThat(greeter.call("Greeter.hello", "Ada").stringValue()).isEqualTo("Hello, Ada");
					assertThat(greeter.callNamed(String.class, "Greeter.hello", Map.of("name", "Bo")))
						.isEqualTo("Hello, Bo");
					GenericRpcClient validating = client.getBean(GenericRpcClients.class)
						.builder("greeter")
						.validate(true)
						.build();
					assertThat(validating.call(String.class, "Greeter.hello", "Cy")).isEqualTo("Hello, Cy");
					assertThat(validating.channel()).isSameAs(greeter.channel());
				});
		});
	}

	interface Greeter {

		String hello(String name);

	}

	@RpcService
	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		@Bean
		GenericRpcClient greeterGenericRpcClient(GenericRpcClients clients) {
			return clients.builder("greeter").timeout(Duration.ofMillis(1234)).build();
		}

	}

}
