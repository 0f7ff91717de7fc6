package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.easyrpc.server.Reflection;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServerMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Starts the {@link RpcServer} once the context is ready, publishes the bound port as
 * {@code local.easyrpc.port}, and on shutdown drains calls in flight for up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. The server publishes
 * {@link RpcServerStartedEvent}, {@link RpcServerStoppingEvent} and
 * {@link RpcServerStoppedEvent} on the way.
 * <p>
 * Its {@link #PHASE phase} puts the drain before the web server's graceful shutdown and
 * stop, so that while calls drain the web server still answers, and
 * {@code /actuator/health} reports {@code OUT_OF_SERVICE}: on start the web server comes
 * first, then the easyrpc server, then service registration; on stop the reverse.
 */
public class EasyRpcServerLifecycle implements SmartLifecycle {

	/**
	 * The phase: after Spring Boot's web server lifecycles ({@code DEFAULT_PHASE - 2048}
	 * to start and stop it, {@code DEFAULT_PHASE - 1024} for its graceful shutdown) and
	 * before the service registration of
	 * {@code io.easyrpc.autoconfigure.discovery.RpcRegistrationLifecycle}
	 * ({@code DEFAULT_PHASE - 512}), which stops first.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 768;

	/** Name of the property that holds the bound port. */
	public static final String LOCAL_PORT_PROPERTY = "local.easyrpc.port";

	private static final String PROPERTY_SOURCE_NAME = "easyrpc.ports";

	private static final Logger logger = LoggerFactory.getLogger(EasyRpcServerLifecycle.class);

	private final RpcServer server;

	private final ConfigurableEnvironment environment;

	private final Duration drainTimeout;

	/**
	 * Create the lifecycle.
	 * @param server the server
	 * @param environment the environment the port is published to
	 * @param drainTimeout how long calls in flight may take to finish on shutdown
	 */
	public EasyRpcServerLifecycle(RpcServer server, ConfigurableEnvironment environment, Duration drainTimeout) {
		this.server = server;
		this.environment = environment;
		this.drainTimeout = drainTimeout;
	}

	@Override
	public void start() {
		this.server.start();
		if (this.server.port() >= 0) {
			publishPort(this.server.port());
		}
		List<ServerMethod> exposed = this.server.registry()
			.methods()
			.stream()
			.filter((method) -> !method.key().startsWith(Reflection.GROUP + "/"))
			.toList();
		long services = exposed.stream().map(ServerMethod::serviceName).distinct().count();
		int methods = exposed.size();
		logger.info("easyrpc server started on {} serving {} service(s) with {} method(s)",
				(this.server.port() >= 0) ? "port " + this.server.port() : this.server.addresses(), services, methods);
	}

	private void publishPort(int port) {
		MutablePropertySources sources = this.environment.getPropertySources();
		PropertySource<?> source = sources.get(PROPERTY_SOURCE_NAME);
		if (source instanceof MapPropertySource mapSource) {
			mapSource.getSource().put(LOCAL_PORT_PROPERTY, port);
			return;
		}
		Map<String, Object> map = new HashMap<>();
		map.put(LOCAL_PORT_PROPERTY, port);
		sources.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, map));
	}

	@Override
	public void stop() {
		this.server.stop(this.drainTimeout);
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
