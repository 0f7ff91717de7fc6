package io.easyrpc.autoconfigure.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcService;
import org.apache.curator.test.TestingServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Starts the applications of the discovery tests against one ZooKeeper server: servers of
 * {@link Inventory} that register as {@code inventory-service}, and clients that call it
 * through {@code discovery://inventory-service}.
 */
final class DiscoveryApplications implements AutoCloseable {

	static final String SERVICE = "inventory-service";

	private final TestingServer zookeeper;

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	DiscoveryApplications() throws Exception {
		this.zookeeper = new TestingServer(true);
	}

	String connectString() {
		return this.zookeeper.getConnectString();
	}

	ConfigurableApplicationContext server(String name, WebApplicationType type, Class<?>... extra) {
		List<Object> sources = new ArrayList<>(List.of(ServerApplication.class));
		sources.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.web(type)
			.properties(common())
			.properties("spring.application.name=" + SERVICE, "instance.name=" + name, "easyrpc.server.port=0",
					"easyrpc.server.host=127.0.0.1", "easyrpc.client.enabled=false", "server.port=0",
					"server.address=127.0.0.1")
			.run();
		this.started.add(context);
		return context;
	}

	ConfigurableApplicationContext client(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties(common())
			.properties("spring.application.name=inventory-client", "easyrpc.server.enabled=false",
					"spring.cloud.zookeeper.discovery.register=false",
					"easyrpc.client.targets.inventory.address=discovery://" + SERVICE, "easyrpc.client.timeout=10s")
			.properties(properties)
			.run();
		this.started.add(context);
		return context;
	}

	private String[] common() {
		return new String[] { "spring.cloud.zookeeper.connect-string=" + connectString(),
				"spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "spring.cloud.loadbalancer.cache.ttl=200ms",
				"easyrpc.client.discovery.refresh-interval=200ms", "spring.lifecycle.timeout-per-shutdown-phase=5s",
				"spring.main.banner-mode=off", "management.endpoints.enabled-by-default=false",
				"spring.cloud.zookeeper.discovery.health-enabled=false" };
	}

	@Override
	public void close() throws Exception {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			this.started.get(i).close();
		}
		this.zookeeper.close();
	}

	/**
	 * A server of {@link Inventory}.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServerApplication {

		@Bean
		InventoryService inventoryService(@Value("${instance.name}") String name) {
			return new InventoryService(name);
		}

	}

	/**
	 * A client of {@link Inventory}.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableRpcClients(clients = InventoryClient.class)
	static class ClientApplication {

	}

	@RpcService
	static class InventoryService implements Inventory {

		private final String name;

		private final AtomicInteger calls = new AtomicInteger();

		InventoryService(String name) {
			this.name = name;
		}

		@Override
		public String instance() {
			this.calls.incrementAndGet();
			return this.name;
		}

		int calls() {
			return this.calls.get();
		}

	}

}
