package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.easyrpc.client.AddressResolver;
import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Resolves {@code discovery://service-id} to the RPC endpoints of the instances that
 * Spring Cloud discovery knows of. Each instance's endpoint comes from its metadata:
 * {@value InstanceMetadata#PORT}, {@value InstanceMetadata#SCHEME} ({@code tcp},
 * {@code ws} or {@code wss}; {@code tcp} when absent) and, for WebSocket,
 * {@value InstanceMetadata#PATH} ({@code /easyrpc} when absent), with the instance's
 * host. An instance without an RPC port is not called; it is logged once.
 * <p>
 * The instances are looked up when the resolver starts, then every refresh interval and
 * on {@link #refresh()}; a look-up starts only when the previous one has ended, and the
 * listener hears of a list only when it differs from the last one.
 */
public class DiscoveryAddressResolver implements AddressResolver {

	private static final Logger logger = LoggerFactory.getLogger(DiscoveryAddressResolver.class);

	private final String serviceId;

	private final InstanceLookup lookup;

	private final ScheduledExecutorService scheduler;

	private final Duration refreshInterval;

	private final BooleanSupplier ready;

	private final Set<String> warned;

	private final Runnable onClose;

	private final Object delivery = new Object();

	private @Nullable Listener listener;

	private @Nullable ScheduledFuture<?> periodic;

	private @Nullable Runnable cancel;

	private boolean inFlight;

	private boolean closed;

	private @Nullable Set<RpcAddress> last;

	DiscoveryAddressResolver(String serviceId, InstanceLookup lookup, ScheduledExecutorService scheduler,
			Duration refreshInterval, BooleanSupplier ready, Set<String> warned, Runnable onClose) {
		this.serviceId = serviceId;
		this.lookup = lookup;
		this.scheduler = scheduler;
		this.refreshInterval = refreshInterval;
		this.ready = ready;
		this.warned = warned;
		this.onClose = onClose;
	}

	/**
	 * Return the service id whose instances this resolver finds.
	 * @return the service id
	 */
	public String serviceId() {
		return this.serviceId;
	}

	@Override
	public void start(Listener listener) {
		synchronized (this) {
			if (this.listener != null) {
				throw new IllegalStateException("The resolver of discovery://" + this.serviceId + " was started");
			}
			if (this.closed) {
				return;
			}
			this.listener = listener;
			this.periodic = this.scheduler.scheduleWithFixedDelay(this::lookUp, 0, this.refreshInterval.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void refresh() {
		try {
			this.scheduler.execute(this::lookUp);
		}
		catch (RejectedExecutionException ex) {
			// the application is closing
		}
	}

	@Override
	public void close() {
		Runnable running;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.periodic != null) {
				this.periodic.cancel(false);
			}
			running = this.cancel;
			this.cancel = null;
		}
		if (running != null) {
			running.run();
		}
		this.onClose.run();
	}

	void lookUp() {
		if (!this.ready.getAsBoolean()) {
			return;
		}
		synchronized (this) {
			if (this.closed || this.inFlight || this.listener == null) {
				return;
			}
			this.inFlight = true;
		}
		Runnable started;
		try {
			started = this.lookup.lookUp(this.serviceId, new Sink());
		}
		catch (RuntimeException ex) {
			synchronized (this) {
				this.inFlight = false;
			}
			failed(ex);
			return;
		}
		boolean cancelNow;
		synchronized (this) {
			cancelNow = this.closed;
			if (this.inFlight && !cancelNow) {
				this.cancel = started;
			}
		}
		if (cancelNow) {
			started.run();
		}
	}

	private void found(List<ServiceInstance> instances) {
		List<RpcAddress> addresses = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			try {
				RpcAddress address = toAddress(instance);
				if (!addresses.contains(address)) {
					addresses.add(address);
				}
			}
			catch (IllegalArgumentException ex) {
				String key = this.serviceId + "/" + instanceId(instance);
				if (this.warned.add(key)) {
					logger.warn("Instance {} of discovery://{} is not called: {}", instanceId(instance), this.serviceId,
							ex.getMessage());
				}
			}
		}
		synchronized (this.delivery) {
			Listener target = this.listener;
			Set<RpcAddress> current = new HashSet<>(addresses);
			if (target == null || isClosed() || current.equals(this.last)) {
				return;
			}
			this.last = current;
			logger.debug("discovery://{} has {} instance(s) with an RPC endpoint: {}", this.serviceId, addresses.size(),
					addresses);
			target.onAddresses(List.copyOf(addresses));
		}
	}

	private void failed(Throwable error) {
		synchronized (this.delivery) {
			Listener target = this.listener;
			if (target != null && !isClosed()) {
				target.onError(error);
			}
		}
	}

	private synchronized void ended() {
		this.inFlight = false;
		this.cancel = null;
	}

	private synchronized boolean isClosed() {
		return this.closed;
	}

	/**
	 * Return the RPC endpoint of an instance, from its host and its metadata.
	 * @param instance the instance
	 * @return the address
	 * @throws IllegalArgumentException if the metadata names no RPC port, or an invalid
	 * one, with a message that says what is missing
	 */
	static RpcAddress toAddress(ServiceInstance instance) {
		Map<String, String> metadata = (instance.getMetadata() != null) ? instance.getMetadata() : Map.of();
		String portText = metadata.get(InstanceMetadata.PORT);
		if (portText == null || portText.isBlank()) {
			throw new IllegalArgumentException("its metadata has no " + InstanceMetadata.PORT
					+ " (is it an easyrpc server with a registration that publishes it?)");
		}
		int port;
		try {
			port = Integer.parseInt(portText.trim());
		}
		catch (NumberFormatException ex) {
			port = -1;
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException(
					"its metadata " + InstanceMetadata.PORT + " is '" + portText + "', not a port number");
		}
		String host = instance.getHost();
		if (host == null || host.isBlank()) {
			throw new IllegalArgumentException("it has no host");
		}
		String scheme = metadata.getOrDefault(InstanceMetadata.SCHEME, RpcAddress.TCP).trim();
		return switch (scheme) {
			case RpcAddress.TCP -> RpcAddress.tcp(host, port);
			case RpcAddress.WS, RpcAddress.WSS -> {
				String path = metadata.get(InstanceMetadata.PATH);
				if (path != null && !path.isBlank() && !path.startsWith("/")) {
					throw new IllegalArgumentException("its metadata " + InstanceMetadata.PATH + " is '" + path
							+ "', which does not start with '/'");
				}
				yield new RpcAddress(scheme, host, port, path);
			}
			default -> throw new IllegalArgumentException(
					"its metadata " + InstanceMetadata.SCHEME + " is '" + scheme + "'; expected tcp, ws or wss");
		};
	}

	private static String instanceId(ServiceInstance instance) {
		String id = instance.getInstanceId();
		return (id != null) ? id : instance.getHost() + ":" + instance.getPort();
	}

	@Override
	public String toString() {
		return "discovery://" + this.serviceId + " through " + this.lookup;
	}

	private final class Sink implements InstanceLookup.Sink {

		@Override
		public void instances(List<ServiceInstance> instances) {
			found(instances);
		}

		@Override
		public void failed(Throwable error) {
			DiscoveryAddressResolver.this.failed(error);
		}

		@Override
		public void done() {
			ended();
		}

	}

}
