package io.easyrpc.autoconfigure.discovery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.server.RpcServer;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servers that register with a real ZooKeeper through Spring Cloud: the registered
 * instance carries the bound RPC endpoint, and leaves the registry before the server
 * drains.
 */
class ZookeeperRegistrationTests {

	private static DiscoveryApplications applications;

	private static ConfigurableApplicationContext observer;

	@BeforeAll
	static void startZookeeper() throws Exception {
		applications = new DiscoveryApplications();
		observer = applications.client("easyrpc.client.enabled=false");
	}

	@AfterAll
	static void stopZookeeper() throws Exception {
		applications.close();
	}

	@Test
	void whenServersRegisterThenTheirMetadataHoldsTheBoundRpcPortAndScheme() {
		ConfigurableApplicationContext plain = applications.server("plain", WebApplicationType.NONE);
		ConfigurableApplicationContext web = applications.server("web", WebApplicationType.SERVLET);
		String plainPort = rpcPort(plain);
		String webPort = rpcPort(web);
		assertThat(plainPort).isNotEqualTo("0");
		String plainId = instanceId(plain);
		String webId = instanceId(web);
		await().untilAsserted(
				() -> assertThat(instances()).extracting(ServiceInstance::getInstanceId).contains(plainId, webId));
		Map<String, String> plainMetadata = instance(plainId).getMetadata();
		assertThat(plainMetadata).containsEntry("easyrpc.port", plainPort).containsEntry("easyrpc.scheme", "tcp");
		Map<String, String> webMetadata = instance(webId).getMetadata();
		assertThat(webMetadata).containsEntry("easyrpc.port", webPort).containsEntry("easyrpc.scheme", "tcp");
		assertThat(instance(webId).getPort())
			.isEqualTo(web.getEnvironment().getProperty("local.server.port", Integer.class));
		plain.close();
		web.close();
		await().untilAsserted(() -> assertThat(instances()).extracting(ServiceInstance::getInstanceId)
			.doesNotContain(plainId, webId));
	}

	@Test
	void whenAServerStopsThenItsInstanceLeavesTheRegistryBeforeTheDrainStarts() {
		ConfigurableApplicationContext server = applications.server("leaving", WebApplicationType.NONE,
				RecordingLifecycleConfiguration.class);
		String id = instanceId(server);
		String path = "/services/" + DiscoveryApplications.SERVICE + "/" + id;
		await().untilAsserted(() -> assertThat(instances()).extracting(ServiceInstance::getInstanceId).contains(id));
		RecordingLifecycle lifecycle = server.getBean(RecordingLifecycle.class);
		lifecycle.path = path;
		server.close();
		assertThat(lifecycle.registeredWhenDrainStarted.get()).isFalse();
		assertThat(lifecycle.serverRunningWhenDrainStarted.get()).isTrue();
	}

	// ZooKeeper's registration leaves the generic instance id unset
	static String instanceId(ConfigurableApplicationContext context) {
		return ((ZookeeperRegistration) context.getBean(Registration.class)).getServiceInstance().getId();
	}

	private static String rpcPort(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	private static List<ServiceInstance> instances() {
		return observer.getBean(DiscoveryClient.class).getInstances(DiscoveryApplications.SERVICE);
	}

	private static ServiceInstance instance(String id) {
		return instances().stream().filter((instance) -> id.equals(instance.getInstanceId())).findFirst().orElseThrow();
	}

	/**
	 * Replaces the server lifecycle with one that looks into ZooKeeper when the drain
	 * starts.
	 */
	@Configuration(proxyBeanMethods = false)
	static class RecordingLifecycleConfiguration {

		@Bean
		RecordingLifecycle recordingLifecycle(RpcServer server, ConfigurableEnvironment environment,
				ObjectProvider<CuratorFramework> curator) {
			return new RecordingLifecycle(server, environment, curator);
		}

	}

	static class RecordingLifecycle extends EasyRpcServerLifecycle {

		final AtomicReference<Boolean> registeredWhenDrainStarted = new AtomicReference<>();

		final AtomicReference<Boolean> serverRunningWhenDrainStarted = new AtomicReference<>();

		private final RpcServer server;

		private final ObjectProvider<CuratorFramework> curator;

		volatile String path;

		RecordingLifecycle(RpcServer server, ConfigurableEnvironment environment,
				ObjectProvider<CuratorFramework> curator) {
			super(server, environment, java.time.Duration.ofSeconds(5));
			this.server = server;
			this.curator = curator;
		}

		@Override
		public void stop() {
			try {
				this.registeredWhenDrainStarted.set(this.curator.getObject().checkExists().forPath(this.path) != null);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			this.serverRunningWhenDrainStarted.set(this.server.isRunning() && !this.server.isDraining());
			super.stop();
		}

	}

}
