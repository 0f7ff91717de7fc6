package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.easyrpc.autoconfigure.DiscoveryResolvers;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Creates the {@link DiscoveryAddressResolver}s of {@code discovery://} addresses, looks
 * their instances up on one shared thread, and asks them all to look again when the
 * registry sends a {@link HeartbeatEvent}. Look-ups begin once the application's
 * singletons exist, so that a registry client is never created from another thread while
 * the context is being built. Look-ups end when the application context starts to close,
 * before the registry client is destroyed with the other beans.
 */
public class SpringCloudDiscoveryResolvers implements DiscoveryResolvers, ApplicationListener<ApplicationEvent>,
		ApplicationContextAware, SmartInitializingSingleton, DisposableBean {

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private final Supplier<@Nullable InstanceLookup> lookups;

	private final Duration refreshInterval;

	private final ScheduledExecutorService scheduler;

	private final List<DiscoveryAddressResolver> resolvers = new CopyOnWriteArrayList<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private volatile boolean ready;

	private volatile @Nullable InstanceLookup lookup;

	private @Nullable ApplicationContext applicationContext;

	SpringCloudDiscoveryResolvers(Supplier<@Nullable InstanceLookup> lookups, Duration refreshInterval) {
		this.lookups = lookups;
		this.refreshInterval = refreshInterval;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "easyrpc-discovery");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public DiscoveryAddressResolver resolver(String serviceId) {
		InstanceLookup source = lookup();
		DiscoveryAddressResolver[] created = new DiscoveryAddressResolver[1];
		created[0] = new DiscoveryAddressResolver(serviceId, source, this.scheduler, this.refreshInterval,
				() -> this.ready, this.warned, () -> this.resolvers.remove(created[0]));
		this.resolvers.add(created[0]);
		return created[0];
	}

	private InstanceLookup lookup() {
		InstanceLookup source = this.lookup;
		if (source == null) {
			source = this.lookups.get();
			if (source == null) {
				throw new IllegalStateException("discovery:// addresses need a Spring Cloud DiscoveryClient or "
						+ "ReactiveDiscoveryClient bean: add the discovery starter of the application's registry, "
						+ "for example spring-cloud-starter-zookeeper-discovery, and make sure that "
						+ "spring.cloud.discovery.enabled is not false");
			}
			this.lookup = source;
		}
		return source;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void afterSingletonsInstantiated() {
		becomeReady();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof HeartbeatEvent) {
			this.resolvers.forEach(DiscoveryAddressResolver::refresh);
		}
		else if (event instanceof ContextRefreshedEvent) {
			becomeReady();
		}
		else if (event instanceof ContextClosedEvent closed
				&& closed.getApplicationContext() == this.applicationContext) {
			// The registry client is one of the beans about to be destroyed: a look-up
			// after that would only fail, so look-ups stop first.
			stop();
		}
	}

	private void becomeReady() {
		if (!this.ready) {
			this.ready = true;
			this.resolvers.forEach(DiscoveryAddressResolver::refresh);
		}
	}

	/**
	 * Return the resolvers in use.
	 * @return the resolvers that are not closed
	 */
	public List<DiscoveryAddressResolver> resolvers() {
		return List.copyOf(this.resolvers);
	}

	/**
	 * Return whether look-ups have stopped, because the application context is closing.
	 * @return whether look-ups have stopped
	 */
	public boolean isStopped() {
		return this.scheduler.isShutdown();
	}

	@Override
	public void destroy() {
		stop();
	}

	private void stop() {
		this.resolvers.forEach(DiscoveryAddressResolver::close);
		this.scheduler.shutdownNow();
		try {
			// a look-up under way finishes before the registry client goes away
			this.scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
