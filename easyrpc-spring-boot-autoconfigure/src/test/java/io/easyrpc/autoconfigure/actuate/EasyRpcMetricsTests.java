package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * easyrpc's gauges and counter while real calls are in flight between a server context
 * and a client context.
 */
class EasyRpcMetricsTests {

	private static final AutoConfigurations METRICS = AutoConfigurations.of(JacksonAutoConfiguration.class,
			ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			EasyRpcCodecAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class,
			EasyRpcMetricsAutoConfiguration.class);

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner().withConfiguration(METRICS)
		.withConfiguration(AutoConfigurations.of(EasyRpcServerAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner().withConfiguration(METRICS)
		.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(WarehouseClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenCallsAreInFlightThenGaugesCountThem() {
		this.serverRunner.run((server) -> {
			WarehouseService service = server.getBean(WarehouseService.class);
			MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
			assertThat(gauge(serverMeters, "easyrpc.server.connections")).isZero();
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					MeterRegistry clientMeters = client.getBean(MeterRegistry.class);
					WarehouseClient warehouse = client.getBean(WarehouseClient.class);
					List<CompletableFuture<String>> calls = new ArrayList<>();
					for (int i = 0; i < 3; i++) {
						calls.add(warehouse.hold("call-" + i));
					}
					await().atMost(Duration.ofSeconds(10)).until(() -> service.heldCount() == 3);
					assertThat(gauge(serverMeters, "easyrpc.server.active.requests")).isEqualTo(3);
					assertThat(gauge(serverMeters, "easyrpc.server.connections")).isEqualTo(1);
					assertThat(clientMeters.get("easyrpc.client.pending").tag("target", "warehouse").gauge().value())
						.isEqualTo(3);

					service.releaseAll();
					for (CompletableFuture<String> call : calls) {
						assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("released");
					}
					await().atMost(Duration.ofSeconds(10))
						.until(() -> gauge(serverMeters, "easyrpc.server.active.requests") == 0);
					assertThat(clientMeters.get("easyrpc.client.pending").tag("target", "warehouse").gauge().value())
						.isZero();
					assertThat(gauge(serverMeters, "easyrpc.server.connections")).isEqualTo(1);
				});
			await().atMost(Duration.ofSeconds(10)).until(() -> gauge(serverMeters, "easyrpc.server.connections") == 0);
		});
	}

	@Test
	void whenExecutorRefusesCallsThenRejectedCounterCountsThem() {
		Executor refusing = (task) -> {
			throw new RejectedExecutionException("full");
		};
		this.serverRunner.withBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, Executor.class, () -> refusing)
			.run((server) -> this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					WarehouseClient warehouse = client.getBean(WarehouseClient.class);
					for (int i = 0; i < 2; i++) {
						assertThatExceptionOfType(RpcException.class).isThrownBy(() -> warehouse.find("BK-1", 1))
							.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
					}
					MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
					assertThat(serverMeters.get("easyrpc.server.rejected")
						.tag("reason", "executor-saturated")
						.counter()
						.count()).isEqualTo(2);
					assertThat(serverMeters.get("easyrpc.server.requests")
						.tag("rpc.method", "find")
						.tag("rpc.status", "RESOURCE_EXHAUSTED")
						.timer()
						.count()).isEqualTo(2);
					assertThat(gauge(serverMeters, "easyrpc.server.active.requests")).isZero();
				}));
	}

	@Test
	void whenTargetIsNotConfiguredThenClientHasNoPendingGauge() {
		this.clientRunner.withPropertyValues("easyrpc.client.enabled=false").run((client) -> {
			assertThat(client.getBean(MeterRegistry.class).find("easyrpc.client.pending").meters()).isEmpty();
		});
	}

	@Test
	void whenApplicationDoesNotServeThenItHasNoServerGauges() {
		this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:1")
			.run((client) -> {
				MeterRegistry meters = client.getBean(MeterRegistry.class);
				assertThat(meters.find("easyrpc.server.connections").meters()).isEmpty();
				assertThat(meters.find("easyrpc.server.active.requests").meters()).isEmpty();
				assertThat(meters.find("easyrpc.client.pending").tag("target", "warehouse").gauge()).isNotNull();
			});
	}

	@Test
	void whenClientIsGivenByUrlThenPendingGaugeIsTaggedWithTheAddress() {
		this.serverRunner.run((server) -> {
			String address = "tcp://127.0.0.1:" + port(server);
			new ApplicationContextRunner().withConfiguration(METRICS)
				.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
				.withUserConfiguration(UrlClients.class)
				.withPropertyValues("warehouse.url=" + address)
				.run((client) -> {
					CompletableFuture<String> call = client.getBean(UrlWarehouseClient.class).hold("by-url");
					WarehouseService service = server.getBean(WarehouseService.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> service.heldCount() == 1);
					assertThat(client.getBean(MeterRegistry.class)
						.get("easyrpc.client.pending")
						.tag("target", address)
						.gauge()
						.value()).isEqualTo(1);
					service.releaseAll();
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("released");
				});
		});
	}

	private static double gauge(MeterRegistry registry, String name) {
		return registry.get(name).gauge().value();
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	@RpcClient(url = "${warehouse.url}")
	public interface UrlWarehouseClient extends Warehouse {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = UrlWarehouseClient.class)
	static class UrlClients {

	}

}
