package io.easyrpc.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.easyrpc.client.AddressResolver;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DiscoveryAddressResolver}: how an instance becomes an address, and
 * when the listener hears of a list.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryAddressResolverTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void whenMetadataHasOnlyThePortThenTheAddressIsTcpOnTheInstanceHost() {
		assertThat(DiscoveryAddressResolver.toAddress(instance("a", "10.0.0.7", Map.of("easyrpc.port", "7071"))))
			.isEqualTo(RpcAddress.tcp("10.0.0.7", 7071));
	}

	@Test
	void whenSchemeIsWebSocketThenThePathDefaultsToEasyrpc() {
		assertThat(DiscoveryAddressResolver
			.toAddress(instance("a", "h", Map.of("easyrpc.port", "8080", "easyrpc.scheme", "ws"))))
			.isEqualTo(RpcAddress.parse("ws://h:8080/easyrpc"));
		assertThat(DiscoveryAddressResolver.toAddress(
				instance("a", "h", Map.of("easyrpc.port", "8443", "easyrpc.scheme", "wss", "easyrpc.path", "/rpc"))))
			.isEqualTo(RpcAddress.parse("wss://h:8443/rpc"));
	}

	@Test
	void whenTheInstancePortDiffersThenTheMetadataPortIsUsed() {
		DefaultServiceInstance instance = new DefaultServiceInstance("a", "svc", "h", 8080, false,
				Map.of("easyrpc.port", "7070"));
		assertThat(DiscoveryAddressResolver.toAddress(instance)).isEqualTo(RpcAddress.tcp("h", 7070));
	}

	@Test
	void whenMetadataIsMissingOrWrongThenTheMessageSaysWhat() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryAddressResolver.toAddress(instance("a", "h", Map.of())))
			.withMessageContaining("no easyrpc.port");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryAddressResolver.toAddress(instance("a", "h", Map.of("easyrpc.port", "x"))))
			.withMessageContaining("easyrpc.port is 'x'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryAddressResolver.toAddress(instance("a", "h", Map.of("easyrpc.port", "0"))))
			.withMessageContaining("not a port number");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryAddressResolver
				.toAddress(instance("a", "h", Map.of("easyrpc.port", "1", "easyrpc.scheme", "http"))))
			.withMessageContaining("easyrpc.scheme is 'http'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryAddressResolver.toAddress(
					instance("a", "h", Map.of("easyrpc.port", "1", "easyrpc.scheme", "ws", "easyrpc.path", "rpc"))))
			.withMessageContaining("does not start with '/'");
	}

	@Test
	void whenAnInstanceHasNoRpcPortThenItIsSkippedWithOneWarning(CapturedOutput output) {
		List<ServiceInstance> instances = List.of(instance("good", "h", Map.of("easyrpc.port", "7070")),
				instance("web-only", "h", Map.of()));
		AtomicInteger lookups = new AtomicInteger();
		Recorder recorder = new Recorder();
		DiscoveryAddressResolver resolver = resolver((serviceId, sink) -> {
			lookups.incrementAndGet();
			sink.instances(instances);
			sink.done();
			return () -> {
			};
		});
		resolver.start(recorder);
		await().until(() -> recorder.lists.size() == 1);
		resolver.refresh();
		resolver.refresh();
		await().until(() -> lookups.get() >= 3);
		resolver.close();
		assertThat(recorder.lists).containsExactly(List.of(RpcAddress.tcp("h", 7070)));
		assertThat(output.getOut().split("web-only", -1)).hasSize(2);
		assertThat(output).contains(
				"Instance web-only of discovery://inventory is not called: its metadata has no " + "easyrpc.port");
	}

	@Test
	void whenTheListChangesThenTheListenerHearsEachNewList() {
		AtomicReference<List<ServiceInstance>> current = new AtomicReference<>(
				List.of(instance("a", "h", Map.of("easyrpc.port", "1"))));
		Recorder recorder = new Recorder();
		DiscoveryAddressResolver resolver = resolver((serviceId, sink) -> {
			sink.instances(current.get());
			sink.done();
			return () -> {
			};
		});
		resolver.start(recorder);
		await().until(() -> recorder.lists.size() == 1);
		current.set(List.of(instance("b", "h", Map.of("easyrpc.port", "2")),
				instance("a", "h", Map.of("easyrpc.port", "1"))));
		resolver.refresh();
		await().until(() -> recorder.lists.size() == 2);
		current.set(List.of());
		resolver.refresh();
		await().until(() -> recorder.lists.size() == 3);
		resolver.close();
		assertThat(recorder.lists).containsExactly(List.of(RpcAddress.tcp("h", 1)),
				List.of(RpcAddress.tcp("h", 2), RpcAddress.tcp("h", 1)), List.of());
	}

	@Test
	void whenALookUpIsStillRunningThenRefreshStartsNoOtherAndCloseCancelsIt() {
		AtomicInteger lookups = new AtomicInteger();
		AtomicBoolean cancelled = new AtomicBoolean();
		AtomicReference<InstanceLookup.Sink> open = new AtomicReference<>();
		Recorder recorder = new Recorder();
		DiscoveryAddressResolver resolver = resolver((serviceId, sink) -> {
			lookups.incrementAndGet();
			open.set(sink);
			sink.instances(List.of(instance("a", "h", Map.of("easyrpc.port", "1"))));
			return () -> cancelled.set(true);
		});
		resolver.start(recorder);
		await().until(() -> recorder.lists.size() == 1);
		resolver.refresh();
		resolver.refresh();
		open.get().instances(List.of(instance("b", "h", Map.of("easyrpc.port", "2"))));
		assertThat(recorder.lists).hasSize(2);
		resolver.close();
		assertThat(lookups).hasValue(1);
		assertThat(cancelled).isTrue();
		open.get().instances(List.of());
		assertThat(recorder.lists).hasSize(2);
	}

	@Test
	void whenTheLookUpFailsThenTheListenerHearsTheError() {
		Recorder recorder = new Recorder();
		DiscoveryAddressResolver resolver = resolver((serviceId, sink) -> {
			sink.failed(new IllegalStateException("registry down"));
			sink.done();
			return () -> {
			};
		});
		resolver.start(recorder);
		await().until(() -> !recorder.errors.isEmpty());
		resolver.close();
		assertThat(recorder.errors.get(0)).hasMessage("registry down");
		assertThat(recorder.lists).isEmpty();
	}

	@Test
	void whenNotReadyThenNothingIsLookedUpUntilRefreshedAfterwards() throws Exception {
		AtomicBoolean ready = new AtomicBoolean();
		AtomicInteger lookups = new AtomicInteger();
		Set<String> warned = ConcurrentHashMap.newKeySet();
		DiscoveryAddressResolver resolver = new DiscoveryAddressResolver("inventory", (serviceId, sink) -> {
			lookups.incrementAndGet();
			sink.done();
			return () -> {
			};
		}, this.scheduler, Duration.ofHours(1), ready::get, warned, () -> {
		});
		resolver.start(new Recorder());
		resolver.refresh();
		// the scheduler has one thread: once this task ran, the start and the refresh did
		this.scheduler.submit(() -> {
		}).get();
		assertThat(lookups).hasValue(0);
		ready.set(true);
		resolver.refresh();
		await().until(() -> lookups.get() == 1);
		resolver.close();
	}

	private DiscoveryAddressResolver resolver(InstanceLookup lookup) {
		return new DiscoveryAddressResolver("inventory", lookup, this.scheduler, Duration.ofHours(1), () -> true,
				ConcurrentHashMap.newKeySet(), () -> {
				});
	}

	static ServiceInstance instance(String id, String host, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "inventory", host, 8080, false, metadata);
	}

	static final class Recorder implements AddressResolver.Listener {

		final List<List<RpcAddress>> lists = new CopyOnWriteArrayList<>();

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		@Override
		public void onAddresses(List<RpcAddress> addresses) {
			this.lists.add(addresses);
		}

		@Override
		public void onError(Throwable error) {
			this.errors.add(error);
		}

	}

}
