package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;
import java.util.UUID;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A refused shared secret is counted in {@code easyrpc.server.rejected} with the reason
 * {@code unauthenticated}, and neither side's {@code easyrpc} endpoint shows the secret.
 */
class EasyRpcSharedSecretActuatorTests {

	private static final String SECRET = "warehouse-secret-" + UUID.randomUUID();

	private static final AutoConfigurations COMMON = AutoConfigurations.of(JacksonAutoConfiguration.class,
			ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			EasyRpcCodecAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class,
			EasyRpcMetricsAutoConfiguration.class, EasyRpcEndpointAutoConfiguration.class);

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner().withConfiguration(COMMON)
		.withConfiguration(AutoConfigurations.of(EasyRpcServerAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"easyrpc.server.auth.shared-secret=" + SECRET, "spring.lifecycle.timeout-per-shutdown-phase=2s",
				"management.endpoints.web.exposure.include=easyrpc");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner().withConfiguration(COMMON)
		.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(WarehouseClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s", "management.endpoints.web.exposure.include=easyrpc");

	@Test
	void whenSecretIsRefusedThenRejectedCounterCountsUnauthenticated() {
		this.serverRunner.run(
				(server) -> this.clientRunner
					.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server),
							"easyrpc.client.auth.shared-secret=not-" + SECRET)
					.run((client) -> {
						assertThatExceptionOfType(RpcException.class)
							.isThrownBy(() -> client.getBean(WarehouseClient.class).find("BK-1", 1))
							.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED));
						MeterRegistry meters = server.getBean(MeterRegistry.class);
						await().atMost(Duration.ofSeconds(10))
							.until(() -> meters.find("easyrpc.server.rejected")
								.tag("reason", "unauthenticated")
								.counter() != null);
						assertThat(meters.get("easyrpc.server.rejected")
							.tag("reason", "unauthenticated")
							.counter()
							.count()).isEqualTo(1);
						assertThat(meters.find("easyrpc.server.requests").timers()).isEmpty();
					}));
	}

	@Test
	void whenBothSidesHaveTheSecretThenNeitherEndpointShowsIt() {
		this.serverRunner.run(
				(server) -> this.clientRunner
					.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server),
							"easyrpc.client.targets.warehouse.auth.shared-secret=" + SECRET)
					.run((client) -> {
						assertThat(client.getBean(WarehouseClient.class).find("BK-1", 2)).isEqualTo("BK-1 x2");
						String serverJson = endpointJson(server);
						String clientJson = endpointJson(client);
						assertThat(serverJson).contains("Warehouse.find").doesNotContain(SECRET);
						assertThat(clientJson).contains("\"ready\"").doesNotContain(SECRET);
					}));
	}

	private static String endpointJson(AssertableApplicationContext context) {
		return context.getBean(JsonMapper.class).writeValueAsString(context.getBean(EasyRpcEndpoint.class).easyrpc());
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

}
