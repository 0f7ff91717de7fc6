package io.easyrpc.autoconfigure;

import ch.qos.logback.classic.Level;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of {@link EasyRpcServerProperties} and {@link EasyRpcClientProperties} when they
 * are bound, and the order in which properties and builder customizers apply.
 */
class EasyRpcPropertiesValidationTests {

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
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					easyrpc.server.port=70000                        | easyrpc.server.port must be between 0 and 65535
					easyrpc.server.max-frame-size=10B                | easyrpc.server.max-frame-size must be between 64B
					easyrpc.server.idle-timeout=-1s                  | easyrpc.server.idle-timeout must not be negative
					easyrpc.server.max-sessions-per-connection=0     | easyrpc.server.max-sessions-per-connection must be at least 1
					easyrpc.server.io-threads=-1                     | easyrpc.server.io-threads must be at least 0
					easyrpc.server.executor.max-threads=0            | easyrpc.server.executor.max-threads must be at least 1
					easyrpc.server.executor.queue-capacity=0         | easyrpc.server.executor.queue-capacity must be at least 1
					easyrpc.server.auth.timeout=0s                   | easyrpc.server.auth.timeout must be positive
					easyrpc.server.connections.max-per-ip=0          | easyrpc.server.connections.max-per-ip must be at least 1
					easyrpc.server.connections.block-time=-5s        | easyrpc.server.connections.block-time must not be negative
					easyrpc.server.ip.block=10.0.0.1,300.0.0.0/8     | easyrpc.server.ip.block[1]: Invalid IP filter entry '300.0.0.0/8'
					easyrpc.server.ssl.client-auth=need              | easyrpc.server.ssl.client-auth=need needs TLS
					easyrpc.client.stream-window=1                   | easyrpc.client.stream-window must be at least 2
					easyrpc.client.max-frame-size=3GB                | easyrpc.client.max-frame-size must be between 64B and 2147483647B
					easyrpc.client.keep-alive=-1s                    | easyrpc.client.keep-alive must not be negative
					easyrpc.client.reconnect.max-backoff=-1s         | easyrpc.client.reconnect.max-backoff must not be negative
					easyrpc.client.targets.billing.timeout=-2s       | easyrpc.client.targets.billing.timeout must not be negative
					easyrpc.client.targets.billing.method-timeouts.pay=-1s | easyrpc.client.targets.billing.method-timeouts.pay must not be negative
					""")
	void whenAPropertyIsOutOfRangeThenStartupFailsNamingIt(String property, String message) {
		this.runner.withPropertyValues(property)
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(message));
	}

	@Test
	void whenPropertiesAreAtTheirLimitsThenStartupSucceeds() {
		this.runner
			.withPropertyValues("easyrpc.server.max-frame-size=64B", "easyrpc.server.idle-timeout=0s",
					"easyrpc.server.connections.block-time=0s", "easyrpc.client.stream-window=2",
					"easyrpc.client.keep-alive=0s", "easyrpc.server.ip.allow=127.0.0.1,::1/128")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void whenABuilderCustomizerSetsAValueThenItWinsOverTheProperty() {
		this.runner.withPropertyValues("easyrpc.server.stream-window=256")
			.withBean(RpcServerBuilderCustomizer.class, () -> (builder) -> builder.streamWindow(99))
			.run((context) -> assertThat(context.getBean(RpcServer.class).streamWindow()).isEqualTo(99));
	}

}
