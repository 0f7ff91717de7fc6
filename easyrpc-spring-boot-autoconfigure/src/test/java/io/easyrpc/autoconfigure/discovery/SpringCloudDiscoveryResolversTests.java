package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SpringCloudDiscoveryResolvers}: look-ups stop when their application
 * context starts to close, before the registry client is destroyed.
 */
class SpringCloudDiscoveryResolversTests {

	private final AtomicInteger lookups = new AtomicInteger();

	private final InstanceLookup lookup = (serviceId, sink) -> {
		this.lookups.incrementAndGet();
		sink.instances(List.of());
		sink.done();
		return () -> {
		};
	};

	@Test
	void whenItsContextClosesThenLookUpsStopBeforeTheBeansAreDestroyed() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.refresh();
			SpringCloudDiscoveryResolvers resolvers = new SpringCloudDiscoveryResolvers(() -> this.lookup,
					Duration.ofHours(1));
			resolvers.setApplicationContext(context);
			DiscoveryAddressResolver resolver = resolvers.resolver("inventory");
			resolver.start(new DiscoveryAddressResolverTests.Recorder());
			resolvers.afterSingletonsInstantiated();
			await().until(() -> this.lookups.get() >= 1);

			resolvers.onApplicationEvent(new ContextClosedEvent(context));
			int before = this.lookups.get();

			assertThat(resolvers.isStopped()).isTrue();
			assertThat(resolvers.resolvers()).doesNotContain(resolver);
			// a heartbeat after that starts no look-up and throws nothing
			resolvers.onApplicationEvent(new HeartbeatEvent(this, 1));
			resolver.refresh();
			assertThat(this.lookups).hasValue(before);
		}
	}

	@Test
	void whenAnotherContextClosesThenLookUpsGoOn() {
		try (GenericApplicationContext context = new GenericApplicationContext();
				GenericApplicationContext child = new GenericApplicationContext(context)) {
			context.refresh();
			child.refresh();
			SpringCloudDiscoveryResolvers resolvers = new SpringCloudDiscoveryResolvers(() -> this.lookup,
					Duration.ofHours(1));
			resolvers.setApplicationContext(context);
			resolvers.resolver("inventory").start(new DiscoveryAddressResolverTests.Recorder());
			resolvers.afterSingletonsInstantiated();
			await().until(() -> this.lookups.get() >= 1);

			// a child context's events reach its parent's listeners too
			resolvers.onApplicationEvent(new ContextClosedEvent(child));
			int before = this.lookups.get();

			assertThat(resolvers.isStopped()).isFalse();
			resolvers.onApplicationEvent(new HeartbeatEvent(this, 1));
			await().until(() -> this.lookups.get() > before);
			resolvers.destroy();
			assertThat(resolvers.isStopped()).isTrue();
		}
	}

}
