package io.easyrpc.autoconfigure.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.autoconfigure.EasyRpcServerProperties;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the easyrpc server's part in Spring Cloud service registration:
 * when the application registers itself (it has a {@link Registration} bean), the RPC
 * endpoint is published in the instance's metadata and the instance leaves the registry
 * before the server drains (see {@link RpcRegistrationLifecycle}).
 * <p>
 * The endpoint is the bound TCP port with scheme {@code tcp}; a server without a TCP port
 * that serves WebSocket on the web server publishes the web server's port with scheme
 * {@code ws} (or {@code wss} when the web server uses TLS) and
 * {@code easyrpc.server.websocket.path}.
 */
@AutoConfiguration(after = EasyRpcServerAutoConfiguration.class)
@ConditionalOnClass(Registration.class)
@ConditionalOnBean({ RpcServer.class, EasyRpcServerLifecycle.class })
public final class EasyRpcRegistrationAutoConfiguration {

	private static final String WEBSOCKET_HANDLER = "org.springframework.web.socket.WebSocketHandler";

	@Bean
	@ConditionalOnMissingBean
	RpcRegistrationLifecycle easyRpcRegistrationLifecycle(ObjectProvider<Registration> registration,
			ObjectProvider<ServiceRegistry<?>> serviceRegistry,
			ObjectProvider<AutoServiceRegistration> autoRegistration, EasyRpcServerLifecycle serverLifecycle,
			RpcServer server, EasyRpcServerProperties properties, Environment environment,
			ObjectProvider<RegistrationMetadata> metadata) {
		RegistrationMetadata metadataOf = metadata.getIfAvailable(() -> Registration::getMetadata);
		return new RpcRegistrationLifecycle(registration, serviceRegistry, autoRegistration, serverLifecycle,
				() -> endpoint(server, properties, environment), metadataOf::of);
	}

	/**
	 * Finds the metadata map of a registration that shows an unmodifiable one until it
	 * registers.
	 */
	@FunctionalInterface
	interface RegistrationMetadata {

		@Nullable Map<String, String> of(Registration registration);

	}

	// ZooKeeper's registration builds the instance it registers only when it registers,
	// and shows an unmodifiable empty map until then; the instance's metadata is the
	// discovery properties' map itself, which can be filled before.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ZookeeperDiscoveryProperties.class)
	static class ZookeeperMetadataConfiguration {

		@Bean
		RegistrationMetadata easyRpcZookeeperRegistrationMetadata(
				ObjectProvider<ZookeeperDiscoveryProperties> properties) {
			return (registration) -> {
				ZookeeperDiscoveryProperties zookeeper = properties.getIfAvailable();
				return (registration instanceof ZookeeperRegistration && zookeeper != null) ? zookeeper.getMetadata()
						: registration.getMetadata();
			};
		}

	}

	static @Nullable Map<String, String> endpoint(RpcServer server, EasyRpcServerProperties properties,
			Environment environment) {
		Map<String, String> metadata = new LinkedHashMap<>();
		if (server.port() > 0) {
			metadata.put(InstanceMetadata.PORT, Integer.toString(server.port()));
			metadata.put(InstanceMetadata.SCHEME, RpcAddress.TCP);
			return metadata;
		}
		Integer webPort = environment.getProperty("local.server.port", Integer.class);
		if (webPort == null || webPort <= 0 || !properties.getWebsocket().isEnabled()
				|| !ClassUtils.isPresent(WEBSOCKET_HANDLER, null)) {
			return null;
		}
		Binder binder = Binder.get(environment);
		boolean tls = binder.bind("server.ssl.bundle", String.class).isBound()
				|| binder.bind("server.ssl.enabled", Boolean.class).orElse(false);
		metadata.put(InstanceMetadata.PORT, Integer.toString(webPort));
		metadata.put(InstanceMetadata.SCHEME, tls ? RpcAddress.WSS : RpcAddress.WS);
		metadata.put(InstanceMetadata.PATH, properties.getWebsocket().getPath());
		return metadata;
	}

}
