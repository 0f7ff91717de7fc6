package io.easyrpc.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionLimit;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.IpFilter;
import io.easyrpc.middleware.PerIpConnectionLimit;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the connection middleware that {@link EasyRpcServerAutoConfiguration} sets up
 * from {@code easyrpc.server.connections.*} and {@code easyrpc.server.ip.*} and collects
 * from the context.
 */
class ConnectionMiddlewareAutoConfigurationTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(EchoService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenNoConnectionPropertyIsSetThenServerHasNoConnectionMiddleware() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ConnectionLimit.class)
				.doesNotHaveBean(PerIpConnectionLimit.class)
				.doesNotHaveBean(IpFilter.class);
			assertThat(context.getBean(RpcServer.class).connectionMiddleware()).isEmpty();
		});
	}

	@Test
	void whenConnectionsMaxIsSetThenConnectionLimitIsBoundAndServed() {
		this.runner.withPropertyValues("easyrpc.server.connections.max=5", "easyrpc.server.connections.block-time=30s")
			.run((context) -> {
				assertThat(context).hasSingleBean(ConnectionLimit.class);
				ConnectionLimit limit = context.getBean(ConnectionLimit.class);
				assertThat(limit.maxConnections()).isEqualTo(5);
				assertThat(limit.blockTime()).isEqualTo(Duration.ofSeconds(30));
				assertThat(context.getBean(RpcServer.class).connectionMiddleware()).containsExactly(limit);
			});
	}

	@Test
	void whenConnectionsMaxIsSetAloneThenThereIsNoBlockTime() {
		this.runner.withPropertyValues("easyrpc.server.connections.max=5")
			.run((context) -> assertThat(context.getBean(ConnectionLimit.class).blockTime()).isZero());
	}

	@Test
	void whenOnlyBlockTimeIsSetThenThereIsNoConnectionLimit() {
		this.runner.withPropertyValues("easyrpc.server.connections.block-time=30s")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionLimit.class));
	}

	@Test
	void whenConnectionsMaxIsZeroThenContextFailsToStart() {
		this.runner.withPropertyValues("easyrpc.server.connections.max=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at least 1");
		});
	}

	@Test
	void whenMaxPerIpIsSetThenPerIpLimitIsBoundAndServed() {
		this.runner.withPropertyValues("easyrpc.server.connections.max-per-ip=3").run((context) -> {
			assertThat(context).hasSingleBean(PerIpConnectionLimit.class).doesNotHaveBean(ConnectionLimit.class);
			PerIpConnectionLimit limit = context.getBean(PerIpConnectionLimit.class);
			assertThat(limit.maxPerAddress()).isEqualTo(3);
			assertThat(context.getBean(RpcServer.class).connectionMiddleware()).containsExactly(limit);
		});
	}

	@Test
	void whenIpAllowIsSetThenIpFilterIsBoundAndServed() {
		this.runner.withPropertyValues("easyrpc.server.ip.allow=10.0.0.0/8,::1/128").run((context) -> {
			assertThat(context).hasSingleBean(IpFilter.class);
			IpFilter filter = context.getBean(IpFilter.class);
			assertThat(filter.allowList()).containsExactly("10.0.0.0/8", "::1/128");
			assertThat(filter.blockList()).isEmpty();
			assertThat(context.getBean(RpcServer.class).connectionMiddleware()).containsExactly(filter);
		});
	}

	@Test
	void whenIpBlockIsSetAsAnIndexedListThenIpFilterIsBound() {
		this.runner
			.withPropertyValues("easyrpc.server.ip.block[0]=192.168.0.0/16", "easyrpc.server.ip.block[1]=2001:db8::/32")
			.run((context) -> {
				IpFilter filter = context.getBean(IpFilter.class);
				assertThat(filter.allowList()).isEmpty();
				assertThat(filter.blockList()).containsExactly("192.168.0.0/16", "2001:db8::/32");
			});
	}

	@Test
	void whenIpEntryIsInvalidThenContextFailsNamingTheEntry() {
		this.runner.withPropertyValues("easyrpc.server.ip.allow=10.0.0.0/8,10.0.0.0/40").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(RpcConfigurationException.class)
				.hasMessageContaining("easyrpc.server.ip.allow[1]: Invalid IP filter entry '10.0.0.0/40'");
		});
	}

	@Test
	void whenApplicationDefinesAnIpFilterThenItReplacesTheBuiltIn() {
		this.runner.withPropertyValues("easyrpc.server.ip.allow=10.0.0.0/8")
			.withBean("customIpFilter", IpFilter.class, () -> IpFilter.block("192.168.0.0/16"))
			.run((context) -> {
				assertThat(context).hasSingleBean(IpFilter.class).hasBean("customIpFilter");
				assertThat(context.getBean(RpcServer.class).connectionMiddleware())
					.containsExactly(context.getBean(IpFilter.class));
			});
	}

	@Test
	void whenApplicationDeclaresConnectionMiddlewareThenTheyComeInOrderAfterTheBuiltIns() {
		this.runner.withUserConfiguration(OrderedMiddlewareConfiguration.class)
			.withPropertyValues("easyrpc.server.connections.max=10", "easyrpc.server.connections.max-per-ip=2",
					"easyrpc.server.ip.block=192.168.0.0/16")
			.run((context) -> {
				List<ConnectionMiddleware> middleware = context.getBean(RpcServer.class).connectionMiddleware();
				assertThat(middleware).containsExactly(context.getBean(IpFilter.class),
						context.getBean(PerIpConnectionLimit.class), context.getBean(ConnectionLimit.class),
						context.getBean("firstMiddleware", ConnectionMiddleware.class),
						context.getBean("secondMiddleware", ConnectionMiddleware.class));
			});
	}

	@Test
	void whenPeerIsBlockedThenItIsRefusedBeforeAnyApplicationMiddlewareIsAsked() {
		this.runner.withUserConfiguration(RecordingMiddlewareConfiguration.class)
			.withPropertyValues("easyrpc.server.ip.block=127.0.0.2/32")
			.run((context) -> {
				RecordingMiddleware recording = context.getBean(RecordingMiddleware.class);
				int port = context.getBean(RpcServer.class).port();
				try (RpcChannel blocked = channel(port, "127.0.0.2"); RpcChannel allowed = channel(port, "127.0.0.1")) {
					assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo(blocked).echo("no"))
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED));
					assertThat(recording.asked).isEmpty();
					assertThat(echo(allowed).echo("yes")).isEqualTo("yes");
					assertThat(recording.asked).hasSize(1);
				}
			});
	}

	@Test
	void whenConnectionLimitIsReachedThenTheExtraClientIsRefusedWithResourceExhausted() {
		this.runner.withPropertyValues("easyrpc.server.connections.max=1").run((context) -> {
			int port = context.getBean(RpcServer.class).port();
			try (RpcChannel first = channel(port, "127.0.0.1"); RpcChannel second = channel(port, "127.0.0.1")) {
				assertThat(echo(first).echo("one")).isEqualTo("one");
				assertThatExceptionOfType(RpcException.class).isThrownBy(() -> echo(second).echo("two"))
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
					.withMessageContaining("limit of 1 connections");
			}
		});
	}

	private static RpcChannel channel(int port, String localAddress) {
		return RpcChannel.builder(RpcAddress.tcp("127.0.0.1", port))
			.bootstrapCustomizer((bootstrap) -> bootstrap.localAddress(new InetSocketAddress(localAddress, 0)))
			.build();
	}

	private static Echo echo(RpcChannel channel) {
		return new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Echo.class, Duration.ofSeconds(10)), channel);
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

	@Configuration(proxyBeanMethods = false)
	static class OrderedMiddlewareConfiguration {

		@Bean
		@Order(2)
		ConnectionMiddleware secondMiddleware() {
			return (connection) -> ConnectionDecision.accept();
		}

		@Bean
		@Order(1)
		ConnectionMiddleware firstMiddleware() {
			return (connection) -> ConnectionDecision.accept();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingMiddlewareConfiguration {

		@Bean
		@Order(Integer.MIN_VALUE)
		RecordingMiddleware recordingMiddleware() {
			return new RecordingMiddleware();
		}

	}

	static class RecordingMiddleware implements ConnectionMiddleware {

		final List<ConnectionInfo> asked = new CopyOnWriteArrayList<>();

		@Override
		public ConnectionDecision onConnect(ConnectionInfo connection) {
			this.asked.add(connection);
			return ConnectionDecision.accept();
		}

	}

}
