package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.easyrpc.internal.server.ServerRuntime;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.ConcurrencyLimit;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code easyrpc.server.limit.*}, the server-wide concurrency limit, and
 * {@code easyrpc.client.stream-timeout} / {@code stream-idle-timeout}.
 */
class EasyRpcOverloadPropertiesTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withBean(EasyRpcServerAutoConfigurationTests.GreeterService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	@Test
	void whenNothingIsSetThenTheServerHasNoConcurrencyLimit() {
		this.runner.run((context) -> assertThat(limit(context.getBean(RpcServer.class))).isEqualTo(-1));
	}

	@Test
	void whenTheLimitIsEnabledThenTheServerLimitsCalls() {
		this.runner
			.withPropertyValues("easyrpc.server.limit.enabled=true", "easyrpc.server.limit.algorithm=fixed",
					"easyrpc.server.limit.initial-limit=17")
			.run((context) -> assertThat(limit(context.getBean(RpcServer.class))).isEqualTo(17));
		this.runner
			.withPropertyValues("easyrpc.server.limit.enabled=true", "easyrpc.server.limit.algorithm=gradient2",
					"easyrpc.server.limit.initial-limit=40", "easyrpc.server.limit.min-limit=5",
					"easyrpc.server.limit.max-limit=80")
			.run((context) -> assertThat(limit(context.getBean(RpcServer.class))).isEqualTo(40));
	}

	@Test
	void limitPropertiesBindToTheirSettings() {
		EasyRpcServerProperties properties = new Binder(new MapConfigurationPropertySource(
				Map.of("easyrpc.server.limit.enabled", "true", "easyrpc.server.limit.algorithm", "aimd",
						"easyrpc.server.limit.initial-limit", "30", "easyrpc.server.limit.min-limit", "3",
						"easyrpc.server.limit.max-limit", "300", "easyrpc.server.limit.retry-after", "250ms")))
			.bind("easyrpc.server", EasyRpcServerProperties.class)
			.get();
		assertThat(properties.getLimit().toConcurrencyLimit())
			.isEqualTo(new ConcurrencyLimit(ConcurrencyLimit.Algorithm.AIMD, 30, 3, 300, Duration.ofMillis(250)));
	}

	@Test
	void whenTheLimitsAreInconsistentThenTheStartFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.server.limit.enabled=true", "easyrpc.server.limit.initial-limit=5",
					"easyrpc.server.limit.min-limit=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.server.limit"));
	}

	@Test
	void streamTimeoutsBindWithTheirDefaults() {
		EasyRpcClientProperties defaults = new Binder(
				new MapConfigurationPropertySource(Map.of("easyrpc.client.enabled", "true")))
			.bind("easyrpc.client", EasyRpcClientProperties.class)
			.get();
		assertThat(defaults.getStreamTimeout()).isZero();
		assertThat(defaults.getStreamIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
		EasyRpcClientProperties set = new Binder(new MapConfigurationPropertySource(
				Map.of("easyrpc.client.stream-timeout", "2m", "easyrpc.client.stream-idle-timeout", "5s",
						"easyrpc.client.targets.feed.stream-idle-timeout", "0s")))
			.bind("easyrpc.client", EasyRpcClientProperties.class)
			.get();
		assertThat(set.getStreamTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(set.getStreamIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(set.getTargets().get("feed").getStreamIdleTimeout()).isZero();
	}

	private static int limit(RpcServer server) {
		return ServerRuntime.of(server).calls().concurrencyLimit();
	}

}
