package io.easyrpc.autoconfigure;

import java.util.Map;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code easyrpc.netty.transport}. The native transports are not on this
 * module's test class path.
 */
class EasyRpcNettyTransportTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void transportDefaultsToAuto() {
		this.runner.withBean(EchoService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(EasyRpcNettyProperties.class).getTransport()).isEqualTo(IoTransport.AUTO);
			assertThat(context.getBean(RpcServer.class).isRunning()).isTrue();
		});
	}

	@Test
	void configurationValuesBindToTransports() {
		this.runner.withPropertyValues("easyrpc.netty.transport=nio").withBean(EchoService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(EasyRpcNettyProperties.class).getTransport()).isEqualTo(IoTransport.NIO);
			assertThat(context.getBean(RpcServer.class).isRunning()).isTrue();
		});
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("easyrpc.netty.transport", "io-uring")));
		assertThat(binder.bind("easyrpc.netty", EasyRpcNettyProperties.class).get().getTransport())
			.isEqualTo(IoTransport.IO_URING);
	}

	@Test
	void forcingAnAbsentNativeTransportFailsTheServerStartUp() {
		this.runner.withPropertyValues("easyrpc.netty.transport=epoll", "easyrpc.client.enabled=false")
			.withBean(EchoService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.netty.transport=epoll")
				.hasMessageContaining("io.netty:netty-transport-native-epoll"));
	}

	@Test
	void forcingAnAbsentNativeTransportFailsTheClientStartUp() {
		this.runner.withPropertyValues("easyrpc.netty.transport=io-uring")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.netty.transport=io-uring")
				.hasMessageContaining("io.netty:netty-transport-native-io_uring"));
	}

	public interface Echo {

		String echo(String text);

	}

	@RpcService
	static class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

}
