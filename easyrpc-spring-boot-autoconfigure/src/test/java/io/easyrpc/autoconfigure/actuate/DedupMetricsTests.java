package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;
import java.util.List;

import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
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

/**
 * Calls de-duplicated by idempotency key are counted in {@code easyrpc.server.dedup},
 * tagged with what happened to them.
 */
class DedupMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
						CompositeMeterRegistryAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
						EasyRpcMetricsAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenAnIdempotentCallEndsThenItsKeptOutcomeIsCounted() {
		this.runner.run((context) -> {
			RpcAddress address = RpcAddress.tcp("127.0.0.1", context.getBean(RpcServer.class).port());
			try (RpcChannel channel = RpcChannel.builder(address).build()) {
				Warehouse idempotent = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
					.createProxy(new ClientDefinition(Warehouse.class, null, null, Duration.ofSeconds(10),
							(method) -> ClientMethodOptions.DEFAULT.withIdempotent(true)), channel);
				idempotent.find("BK-1", 1);
				idempotent.find("BK-1", 1);
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("easyrpc.server.dedup").tag("outcome", "stored").counter().count()).isEqualTo(2);
		});
	}

}
