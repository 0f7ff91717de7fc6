package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;
import java.util.List;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Connections refused by connection middleware are counted in
 * {@code easyrpc.server.rejected}, tagged with the refusal's reason.
 */
class ConnectionRejectionMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
						CompositeMeterRegistryAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
						EasyRpcMetricsAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenConnectionLimitRefusesAConnectionThenRejectedCounterCountsIt() {
		this.runner.withPropertyValues("easyrpc.server.connections.max=1").run((context) -> {
			RpcAddress address = RpcAddress.tcp("127.0.0.1", context.getBean(RpcServer.class).port());
			// A refused connection is a failed attempt that the client backs off from, so
			// each refusal comes from a channel of its own.
			try (RpcChannel first = RpcChannel.builder(address).build();
					RpcChannel second = RpcChannel.builder(address).build();
					RpcChannel third = RpcChannel.builder(address).build()) {
				assertThat(warehouse(first).find("BK-1", 1)).isNotNull();
				for (RpcChannel refused : List.of(second, third)) {
					assertThatExceptionOfType(RpcException.class).isThrownBy(() -> warehouse(refused).find("BK-1", 1))
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
				}
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("easyrpc.server.rejected").tag("reason", "connection-limit").counter().count())
				.isEqualTo(2);
		});
	}

	private static Warehouse warehouse(RpcChannel channel) {
		return new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Warehouse.class, Duration.ofSeconds(10)), channel);
	}

}
