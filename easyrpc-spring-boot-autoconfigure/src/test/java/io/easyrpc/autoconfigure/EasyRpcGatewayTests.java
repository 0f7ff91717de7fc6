package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code easyrpc.gateway.routes.<prefix>.target}: an application without services of its
 * own serves a target's services under a prefix, and wrong routes fail the start-up with
 * a message naming the property.
 */
class EasyRpcGatewayTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class,
				EasyRpcGatewayAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	private RpcServer target;

	@BeforeEach
	void startTarget() {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new GreeterService()).build());
		this.target = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.build();
		this.target.start();
	}

	@AfterEach
	void stopTarget() {
		this.target.stop(Duration.ZERO);
	}

	@Test
	void whenARouteNamesATargetThenItsServicesAreServedUnderThePrefix() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:" + this.target.port(),
					"easyrpc.gateway.routes.hr.target=greeter")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RpcServer gateway = context.getBean(RpcServer.class);
				assertThat(gateway.routes()).containsOnlyKeys("hr");
				try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", gateway.port()))
					.codec(CODEC)
					.build()) {
					Greeter greeter = new ClientProxyFactory(new ExceptionFactory(List.of(), null)).createProxy(
							new ClientDefinition(Greeter.class, null, "hr", Duration.ofSeconds(10), null), channel);
					assertThat(greeter.hello("Ada")).isEqualTo("Hello, Ada");
				}
			});
	}

	@Test
	void whenARouteNamesAnUnknownTargetThenTheStartFailsNamingTheProperty() {
		this.runner.withPropertyValues("easyrpc.gateway.routes.hr.target=nobody")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.gateway.routes.hr.target")
				.hasMessageContaining("'nobody'"));
	}

	@Test
	void whenARoutePrefixIsInvalidThenTheStartFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:" + this.target.port(),
					"easyrpc.gateway.routes[a.b].target=greeter")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("easyrpc.gateway.routes.a.b: Invalid gateway route prefix 'a.b'"));
	}

	@Test
	void whenARouteHasNoTargetThenTheStartFailsNamingTheProperty() {
		this.runner.withPropertyValues("easyrpc.gateway.routes.hr.target=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.gateway.routes.hr.target is not set"));
	}

	@Test
	void whenThereAreNoRoutesAndNoServicesThenThereIsNoServer() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RpcServer.class));
	}

	public interface Greeter {

		String hello(String name);

	}

	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

	}

}
