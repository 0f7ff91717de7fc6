package io.easyrpc.autoconfigure;

import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.it.ExpectedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Targets with {@code ws://} and {@code wss://} addresses: the scheme decides about TLS.
 * No server is needed; connections are made on the first call.
 */
class WebSocketTargetTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SslAutoConfiguration.class,
				EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(ClientConfiguration.class);

	@Test
	void whenTargetIsWsThenItConnectsWithoutTls() {
		this.runner.withPropertyValues("easyrpc.client.targets.greeter.address=ws://localhost:8080/rpc")
			.run((context) -> assertThat(context.getBean(RpcClientFactory.class).targets()).singleElement()
				.satisfies((target) -> {
					assertThat(target.address()).isEqualTo("ws://localhost:8080/rpc");
					assertThat(target.channel().isTls()).isFalse();
				}));
	}

	@Test
	void whenTargetIsWssThenItUsesTlsWithTheDefaultTrust() {
		this.runner.withPropertyValues("easyrpc.client.targets.greeter.address=wss://example.com")
			.run((context) -> assertThat(context.getBean(RpcClientFactory.class).targets()).singleElement()
				.satisfies((target) -> {
					assertThat(target.address()).isEqualTo("wss://example.com:443/easyrpc");
					assertThat(target.channel().isTls()).isTrue();
				}));
	}

	@Test
	void whenDefaultClientBundleIsSetThenWsTargetsStillConnectWithoutTls() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.greeter.address=ws://localhost:8080/easyrpc",
					"easyrpc.client.ssl.bundle=missing")
			.run((context) -> assertThat(context.getBean(RpcClientFactory.class).targets().get(0).channel().isTls())
				.isFalse());
	}

	@Test
	void whenWsTargetAsksForTlsThenStartupFailsNamingWss() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.greeter.address=ws://localhost:8080/easyrpc",
					"easyrpc.client.targets.greeter.ssl.enabled=true")
			.run((context) -> assertThat(startupFailure(context))
				.hasMessageContaining("easyrpc.client.targets.greeter.ssl.enabled asks for TLS")
				.hasMessageContaining("use wss://"));
	}

	@Test
	void whenWssTargetDisablesTlsThenStartupFailsNamingWs() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.greeter.address=wss://localhost:8443/easyrpc",
					"easyrpc.client.targets.greeter.ssl.enabled=false")
			.run((context) -> assertThat(startupFailure(context))
				.hasMessageContaining("easyrpc.client.targets.greeter.ssl.enabled is false")
				.hasMessageContaining("use ws://"));
	}

	@Test
	void whenWebSocketAddressIsInvalidThenStartupFailsWithTheReason() {
		this.runner.withPropertyValues("easyrpc.client.targets.greeter.address=ws:///easyrpc")
			.run((context) -> assertThat(startupFailure(context)).hasMessageContaining("with a host name"));
	}

	private static Throwable startupFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		return Stream.iterate(failure, (ex) -> ex != null, Throwable::getCause)
			.filter((ex) -> ex instanceof IllegalStateException)
			.findFirst()
			.orElse(failure);
	}

	public interface Greeter {

		String hello(String name);

	}

	@RpcClient(target = "greeter")
	public interface GreeterClient extends Greeter {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = GreeterClient.class)
	static class ClientConfiguration {

	}

}
