package io.easyrpc.autoconfigure.actuate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.easyrpc.RpcException;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.actuate.EasyRpcEndpoint.EasyRpcDescriptor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code easyrpc} endpoint of a server context and of a client context connected to
 * it over TCP, serialized with the application's {@link JsonMapper}. Without a web server
 * on the test class path the endpoint is invoked directly rather than over HTTP.
 */
class EasyRpcEndpointTests {

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcEndpointAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s", "management.endpoints.web.exposure.include=easyrpc");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class, EasyRpcEndpointAutoConfiguration.class))
		.withUserConfiguration(WarehouseClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s", "management.endpoints.web.exposure.include=easyrpc");

	@Test
	void serverSideDescribesAddressServicesMethodsAndConnections() {
		this.serverRunner.run((server) -> {
			String port = port(server);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port)
				.run((client) -> {
					WarehouseClient warehouse = client.getBean(WarehouseClient.class);
					warehouse.find("BK-1", 2);
					warehouse.find("BK-2", 1);
					// A call counts as active until just after its answer is written.
					Awaitility.await()
						.untilAsserted(() -> assertThat(endpointJson(server))
							.extractingJsonPathNumberValue("$.server.activeCalls")
							.isEqualTo(0));
					JsonContent<Object> body = endpointJson(server);
					assertThat(body).extractingJsonPathStringValue("$.server.state").isEqualTo("serving");
					assertThat(body).extractingJsonPathNumberValue("$.server.port").isEqualTo(Integer.parseInt(port));
					assertThat(body).extractingJsonPathArrayValue("$.server.addresses")
						.containsExactly("tcp://127.0.0.1:" + port);
					assertThat(body).extractingJsonPathNumberValue("$.server.activeCalls").isEqualTo(0);
					assertThat(body).extractingJsonPathArrayValue("$.server.services[*].name")
						.containsExactly("Warehouse");
					assertThat(body).extractingJsonPathArrayValue("$.server.services[0].methods[*].key")
						.containsExactlyInAnyOrder("Warehouse.find", "Warehouse.list", "Warehouse.touch",
								"Warehouse.hold");
					String find = "$.server.services[0].methods[?(@.key == 'Warehouse.find')]";
					assertThat(body).extractingJsonPathArrayValue(find + ".parameters[*].name")
						.containsExactly("sku", "limit");
					assertThat(body).extractingJsonPathArrayValue(find + ".parameters[*].type")
						.containsExactly("java.lang.String", "int");
					assertThat(body).extractingJsonPathArrayValue(find + ".returnType")
						.containsExactly("java.lang.String");
					assertThat(body).extractingJsonPathArrayValue(find + ".callStyle").containsExactly("blocking");
					String list = "$.server.services[0].methods[?(@.key == 'Warehouse.list')]";
					assertThat(body).extractingJsonPathArrayValue(list + ".returnType")
						.containsExactly("java.util.concurrent.CompletableFuture<java.util.List<java.lang.String>>");
					assertThat(body).extractingJsonPathArrayValue(list + ".callStyle").containsExactly("future");
					String touch = "$.server.services[0].methods[?(@.key == 'Warehouse.touch')]";
					assertThat(body).extractingJsonPathArrayValue(touch + ".callStyle").containsExactly("one-way");
					assertThat(body).extractingJsonPathArrayValue("$.server.connections").hasSize(1);
					assertThat(body).extractingJsonPathStringValue("$.server.connections[0].peer")
						.contains("127.0.0.1:");
					assertThat(body).extractingJsonPathStringValue("$.server.connections[0].since")
						.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
					assertThat(body).extractingJsonPathNumberValue("$.server.connections[0].calls").isEqualTo(2);
					assertThat(body).extractingJsonPathArrayValue("$.targets").isEmpty();
				});
		});
	}

	@Test
	void clientSideDescribesTargetsWithStateAndPendingCalls() {
		this.serverRunner.run((server) -> {
			String address = "tcp://127.0.0.1:" + port(server);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=" + address)
				.run((client) -> {
					JsonContent<Object> before = endpointJson(client);
					assertThat(before).extractingJsonPathValue("$.server").isNull();
					assertThat(before).extractingJsonPathStringValue("$.targets[0].address").isEqualTo(address);
					assertThat(before).extractingJsonPathStringValue("$.targets[0].state").isEqualTo("idle");
					client.getBean(WarehouseClient.class).find("BK-1", 1);
					client.getBean(WarehouseClient.class).hold("pending");
					WarehouseService service = server.getBean(WarehouseService.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> service.heldCount() == 1);
					JsonContent<Object> after = endpointJson(client);
					assertThat(after).extractingJsonPathStringValue("$.targets[0].state").isEqualTo("ready");
					assertThat(after).extractingJsonPathArrayValue("$.targets[0].targets").containsExactly("warehouse");
					assertThat(after).extractingJsonPathArrayValue("$.targets[0].clients")
						.containsExactly(WarehouseClient.class.getName());
					assertThat(after).extractingJsonPathNumberValue("$.targets[0].pendingCalls").isEqualTo(1);
					assertThat(after).extractingJsonPathStringValue("$.targets[0].loadBalancing")
						.isEqualTo("ROUND_ROBIN");
					assertThat(after).extractingJsonPathStringValue("$.targets[0].instances[0].address")
						.isEqualTo(address);
					assertThat(after).extractingJsonPathStringValue("$.targets[0].instances[0].state")
						.isEqualTo("ready");
					assertThat(after).extractingJsonPathNumberValue("$.targets[0].instances[0].outstandingCalls")
						.isEqualTo(1);
					assertThat(after).extractingJsonPathNumberValue("$.targets[0].instances[0].ejections").isEqualTo(0);
					service.releaseAll();
				});
		});
	}

	@Test
	void clientSideShowsFailedTargetWhenServerIsUnreachable() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		this.clientRunner.withPropertyValues("easyrpc.client.targets.warehouse.address=tcp://127.0.0.1:" + port)
			.run((client) -> {
				assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(WarehouseClient.class).find("BK-1", 1));
				assertThat(endpointJson(client)).extractingJsonPathStringValue("$.targets[0].state")
					.isEqualTo("failed");
			});
	}

	@Test
	void responseIsMadeOfPlainRecords() {
		this.serverRunner.run((server) -> {
			EasyRpcDescriptor descriptor = server.getBean(EasyRpcEndpoint.class).easyrpc();
			assertThat(descriptor.getClass().isRecord()).isTrue();
			assertThat(descriptor.server().getClass().isRecord()).isTrue();
			assertThat(descriptor.server().services()).allMatch((service) -> service.getClass().isRecord());
			assertThat(descriptor.targets()).isEqualTo(List.of());
		});
	}

	private JsonContent<Object> endpointJson(AssertableApplicationContext context) {
		EasyRpcDescriptor descriptor = context.getBean(EasyRpcEndpoint.class).easyrpc();
		return this.json.from(context.getBean(JsonMapper.class).writeValueAsString(descriptor));
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

}
