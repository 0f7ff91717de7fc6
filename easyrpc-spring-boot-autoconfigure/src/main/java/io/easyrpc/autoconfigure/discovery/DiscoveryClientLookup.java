package io.easyrpc.autoconfigure.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Asks a blocking {@link DiscoveryClient}, on the thread that starts the look-up.
 */
final class DiscoveryClientLookup implements InstanceLookup {

	private final DiscoveryClient client;

	DiscoveryClientLookup(DiscoveryClient client) {
		this.client = client;
	}

	@Override
	public Runnable lookUp(String serviceId, Sink sink) {
		try {
			List<ServiceInstance> instances = this.client.getInstances(serviceId);
			sink.instances((instances != null) ? instances : List.of());
		}
		catch (RuntimeException ex) {
			sink.failed(ex);
		}
		sink.done();
		return () -> {
		};
	}

	@Override
	public String toString() {
		return "DiscoveryClient " + this.client.description();
	}

}
