package io.easyrpc.autoconfigure.discovery;

import java.util.List;
import java.util.function.Function;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * Subscribes to a {@link Flux} of instance lists: Spring Cloud LoadBalancer's
 * {@code ServiceInstanceListSupplier} (which may report a new list whenever its health
 * checks or its source say so) or a {@link ReactiveDiscoveryClient}.
 */
final class ReactiveLookup implements InstanceLookup {

	private final Function<String, Flux<List<ServiceInstance>>> source;

	private final String description;

	ReactiveLookup(Function<String, Flux<List<ServiceInstance>>> source, String description) {
		this.source = source;
		this.description = description;
	}

	static ReactiveLookup of(ReactiveDiscoveryClient client) {
		return new ReactiveLookup((serviceId) -> client.getInstances(serviceId).collectList().flux(),
				"ReactiveDiscoveryClient " + client.description());
	}

	@Override
	public Runnable lookUp(String serviceId, Sink sink) {
		Flux<List<ServiceInstance>> lists;
		try {
			lists = this.source.apply(serviceId);
		}
		catch (RuntimeException ex) {
			sink.failed(ex);
			sink.done();
			return () -> {
			};
		}
		Disposable subscription = lists.subscribe(sink::instances, (error) -> {
			sink.failed(error);
			sink.done();
		}, sink::done);
		return subscription::dispose;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
