package io.easyrpc.autoconfigure.actuate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.json.BasicJsonTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code easyrpc} health indicator through the server's life and with client targets
 * in their different states.
 */
class EasyRpcHealthIndicatorTests {

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcHealthContributorAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=10s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class, EasyRpcHealthContributorAutoConfiguration.class))
		.withUserConfiguration(WarehouseClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenServerIsServingThenHealthIsUpWithPortAndConnections() {
		this.serverRunner.run((server) -> {
			Health health = health(server);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("state", "serving")
				.containsEntry("port", server.getBean(RpcServer.class).port())
				.containsEntry("connections", 0)
				.containsEntry("activeCalls", 0)
				.doesNotContainKey("targets");
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					client.getBean(WarehouseClient.class).find("BK-1", 1);
					assertThat(health(server).getDetails()).containsEntry("connections", 1);
				});
		});
	}

	@Test
	void whenServerDrainsThenHealthIsOutOfServiceAndDownOnceStopped() {
		this.serverRunner.run((server) -> {
			WarehouseService service = server.getBean(WarehouseService.class);
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					CompletableFuture<String> inFlight = client.getBean(WarehouseClient.class).hold("drain");
					await().atMost(Duration.ofSeconds(10)).until(() -> service.heldCount() == 1);
					CompletableFuture<Void> stopping = CompletableFuture
						.runAsync(server.getBean(EasyRpcServerLifecycle.class)::stop);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> health(server).getStatus().equals(Status.OUT_OF_SERVICE));
					assertThat(health(server).getDetails()).containsEntry("state", "draining")
						.containsEntry("activeCalls", 1);
					service.releaseAll();
					assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("released");
					stopping.get(10, TimeUnit.SECONDS);
					Health stopped = health(server);
					assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
					assertThat(stopped.getDetails()).containsEntry("state", "stopped").doesNotContainKey("port");
				});
		});
	}

	@Test
	void whenServerFailedToBindThenHealthIsDown() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			RpcServer server = RpcServer.builder().address(RpcAddress.tcp("127.0.0.1", taken.getLocalPort())).build();
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(server::start);
			Health health = new EasyRpcHealthIndicator(provider(RpcServer.class, server),
					provider(RpcClientFactory.class, null), false)
				.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("state", "stopped");
		}
	}

	@Test
	void whenClientTargetIsReadyThenItIsADetail() {
		this.serverRunner.run((server) -> {
			String address = "tcp://127.0.0.1:" + port(server);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address)
				.run((client) -> {
					client.getBean(WarehouseClient.class).find("BK-1", 1);
					Health health = health(client);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsOnlyKeys("targets");
					assertThat(health.getDetails().get("targets"))
						.isEqualTo(Map.of(address, Map.of("state", "ready", "pendingCalls", 0)));
				});
		});
	}

	@Test
	void whenClientTargetIsUnreachableThenHealthStaysUpByDefault() throws IOException {
		String address = unreachableAddress();
		this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address).run((client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(WarehouseClient.class).find("BK-1", 1));
			Health health = health(client);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("targets"))
				.isEqualTo(Map.of(address, Map.of("state", "failed", "pendingCalls", 0)));
		});
	}

	@Test
	void whenClientTargetIsUnreachableAndConfiguredSoThenHealthIsDown() throws IOException {
		String address = unreachableAddress();
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address,
					"easyrpc.client.health.down-when-unavailable=true")
			.run((client) -> {
				assertThat(health(client).getStatus()).isEqualTo(Status.UP);
				assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(WarehouseClient.class).find("BK-1", 1));
				assertThat(health(client).getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void whenProbingThenEachCheckPingsTheTargetAndReportsTheRoundTrip() {
		this.serverRunner.run((server) -> {
			String address = "tcp://127.0.0.1:" + port(server);
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address,
						"easyrpc.client.health.probe=true", "easyrpc.client.health.probe-timeout=5s")
				.run((client) -> {
					// No call yet: the probe makes the connection.
					Health health = health(client);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					@SuppressWarnings("unchecked")
					Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) health.getDetails()
						.get("targets");
					assertThat(targets.get(address)).containsKey("pingMillis").containsEntry("state", "ready");
					assertThat((double) targets.get(address).get("pingMillis")).isNotNegative();
					assertThat(server.getBean(RpcServer.class).connectionCount()).isOne();
				});
		});
	}

	@Test
	void whenProbingAnUnreachableTargetThenThePingFailureIsADetailAndMayMakeHealthDown() throws IOException {
		String address = unreachableAddress();
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address,
					"easyrpc.client.health.probe=true", "easyrpc.client.health.down-when-unavailable=true")
			.run((client) -> {
				Health health = health(client);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				@SuppressWarnings("unchecked")
				Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) health.getDetails()
					.get("targets");
				assertThat(targets.get(address)).doesNotContainKey("pingMillis");
				assertThat((String) targets.get(address).get("ping")).startsWith("UNAVAILABLE: ");
			});
	}

	@Test
	void whenNotProbingThenAHealthCheckMakesNoConnection() {
		this.serverRunner.run((server) -> {
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					Health health = health(client);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails().get("targets").toString()).doesNotContain("ping");
					assertThat(server.getBean(RpcServer.class).connectionCount()).isZero();
				});
		});
	}

	@Test
	void whenHealthEndpointShowsDetailsThenEasyrpcComponentIsSerialized() {
		this.serverRunner
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoint.health.show-details=always")
			.run((server) -> {
				Object component = server.getBean(HealthEndpoint.class).healthForPath("easyrpc");
				String json = server.getBean(JsonMapper.class).writeValueAsString(component);
				assertThat(new BasicJsonTester(getClass()).from(json)).extractingJsonPathStringValue("$.status")
					.isEqualTo("UP");
				assertThat(new BasicJsonTester(getClass()).from(json)).extractingJsonPathNumberValue("$.details.port")
					.isEqualTo(server.getBean(RpcServer.class).port());
			});
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean(EasyRpcHealthIndicator.class).health();
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	private static String unreachableAddress() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "tcp://127.0.0.1:" + socket.getLocalPort();
		}
	}

	private static <T> ObjectProvider<T> provider(Class<T> type, T bean) {
		StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();
		if (bean != null) {
			beanFactory.addBean(type.getSimpleName(), bean);
		}
		return beanFactory.getBeanProvider(type);
	}

}
