package io.easyrpc.autoconfigure.discovery;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.event.InstancePreRegisteredEvent;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the easyrpc server to Spring Cloud service registration: the instance's metadata
 * gets the RPC endpoint ({@value InstanceMetadata#PORT}, {@value InstanceMetadata#SCHEME}
 * and, for WebSocket, {@value InstanceMetadata#PATH}) before it registers, and on
 * shutdown the instance leaves the registry before the server drains its calls, so that
 * clients stop choosing it first.
 * <p>
 * Spring Cloud registers an application when its web server has started, which may come
 * before the easyrpc server is bound: the server is then started first, so that the
 * registered port is the bound one. An application without a web server is registered
 * once its easyrpc server has started, since nothing else would register it.
 */
public class RpcRegistrationLifecycle implements SmartLifecycle, ApplicationListener<InstancePreRegisteredEvent> {

	/**
	 * The phase: after the easyrpc server and the web server have started, and so, on
	 * shutdown, before the web server's graceful shutdown and the easyrpc server's drain.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(RpcRegistrationLifecycle.class);

	private final ObjectProvider<Registration> registration;

	private final ObjectProvider<ServiceRegistry<?>> serviceRegistry;

	private final ObjectProvider<AutoServiceRegistration> autoRegistration;

	private final EasyRpcServerLifecycle serverLifecycle;

	private final Supplier<@Nullable Map<String, String>> endpoint;

	private final Function<Registration, @Nullable Map<String, String>> metadataOf;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param registration the registration of this application, if any
	 * @param serviceRegistry the registry it registers with, if any
	 * @param autoRegistration Spring Cloud's automatic registration, if active
	 * @param serverLifecycle the lifecycle of the easyrpc server
	 * @param endpoint the metadata of the RPC endpoint once the server is bound,
	 * {@code null} when it serves no endpoint that discovery clients can reach
	 * @param metadataOf the modifiable metadata map that a registration registers,
	 * usually its {@link Registration#getMetadata() metadata}
	 */
	public RpcRegistrationLifecycle(ObjectProvider<Registration> registration,
			ObjectProvider<ServiceRegistry<?>> serviceRegistry,
			ObjectProvider<AutoServiceRegistration> autoRegistration, EasyRpcServerLifecycle serverLifecycle,
			Supplier<@Nullable Map<String, String>> endpoint,
			Function<Registration, @Nullable Map<String, String>> metadataOf) {
		this.metadataOf = metadataOf;
		this.registration = registration;
		this.serviceRegistry = serviceRegistry;
		this.autoRegistration = autoRegistration;
		this.serverLifecycle = serverLifecycle;
		this.endpoint = endpoint;
	}

	@Override
	public void onApplicationEvent(InstancePreRegisteredEvent event) {
		Registration own = this.registration.getIfUnique();
		if (own != null && event.getRegistration() == own) {
			publish(own);
		}
	}

	@Override
	public void start() {
		Registration own = this.registration.getIfUnique();
		if (own != null) {
			publish(own);
			AutoServiceRegistration auto = this.autoRegistration.getIfUnique();
			if (auto instanceof AbstractAutoServiceRegistration<?> registering && !registering.isRunning()) {
				registering.start();
			}
		}
		this.running = true;
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public void stop() {
		this.running = false;
		Registration own = this.registration.getIfUnique();
		ServiceRegistry registry = this.serviceRegistry.getIfUnique();
		if (own == null || registry == null || !this.serverLifecycle.isRunning()) {
			return;
		}
		try {
			registry.deregister(own);
			logger.info("Deregistered this {} instance before the easyrpc server drains", own.getServiceId());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not deregister this {} instance before the easyrpc server drains", own.getServiceId(),
					ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publish(Registration own) {
		if (!this.serverLifecycle.isRunning()) {
			this.serverLifecycle.start();
		}
		Map<String, String> metadata = this.endpoint.get();
		if (metadata == null) {
			return;
		}
		Map<String, String> target = this.metadataOf.apply(own);
		if (!putAll(target, metadata)) {
			logger.warn(
					"The registration of {} does not accept metadata: discovery:// clients will not find its "
							+ "easyrpc endpoint unless the registry's metadata properties set {}",
					own.getServiceId(), metadata);
		}
	}

	private static boolean putAll(@Nullable Map<String, String> target, Map<String, String> metadata) {
		if (target == null) {
			return false;
		}
		try {
			target.putAll(metadata);
			return true;
		}
		catch (UnsupportedOperationException ex) {
			return false;
		}
	}

}
