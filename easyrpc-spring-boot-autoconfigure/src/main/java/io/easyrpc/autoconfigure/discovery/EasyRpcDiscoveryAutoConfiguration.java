package io.easyrpc.autoconfigure.discovery;

import java.util.List;

import io.easyrpc.autoconfigure.DiscoveryResolvers;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of {@code discovery://service-id} target addresses when Spring Cloud
 * Commons is on the class path. The instances come from Spring Cloud LoadBalancer's
 * {@link ServiceInstanceListSupplier} of the service when LoadBalancer is on the class
 * path and enabled (so that its caching, health checks and zone preference apply), else
 * from the application's {@link DiscoveryClient} or {@link ReactiveDiscoveryClient},
 * looked up every {@code easyrpc.client.discovery.refresh-interval}.
 */
@AutoConfiguration(before = EasyRpcClientAutoConfiguration.class)
@ConditionalOnClass(DiscoveryClient.class)
@ConditionalOnBooleanProperty(name = "easyrpc.client.enabled", matchIfMissing = true)
public final class EasyRpcDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(DiscoveryResolvers.class)
	SpringCloudDiscoveryResolvers easyRpcDiscoveryResolvers(EasyRpcClientProperties properties,
			ObjectProvider<DiscoveryClient> discoveryClient, ObjectProvider<ReactiveDiscoveryClient> reactiveClient,
			ObjectProvider<LoadBalancerLookupFactory> loadBalancer) {
		return new SpringCloudDiscoveryResolvers(() -> {
			LoadBalancerLookupFactory balancing = loadBalancer.getIfAvailable();
			InstanceLookup fromLoadBalancer = (balancing != null) ? balancing.lookup() : null;
			if (fromLoadBalancer != null) {
				return fromLoadBalancer;
			}
			DiscoveryClient blocking = discoveryClient.getIfAvailable();
			if (blocking != null) {
				return new DiscoveryClientLookup(blocking);
			}
			ReactiveDiscoveryClient reactive = reactiveClient.getIfAvailable();
			return (reactive != null) ? ReactiveLookup.of(reactive) : null;
		}, properties.getDiscovery().getRefreshInterval());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ServiceInstanceListSupplier.class, LoadBalancerClientFactory.class })
	static class LoadBalancerConfiguration {

		@Bean
		LoadBalancerLookupFactory easyRpcLoadBalancerLookupFactory(ObjectProvider<LoadBalancerClientFactory> factory) {
			return () -> {
				LoadBalancerClientFactory clients = factory.getIfAvailable();
				if (clients == null) {
					return null;
				}
				return new ReactiveLookup((serviceId) -> {
					ServiceInstanceListSupplier supplier = clients.getInstance(serviceId,
							ServiceInstanceListSupplier.class);
					if (supplier == null) {
						return Flux.error(new IllegalStateException(
								"Spring Cloud LoadBalancer has no ServiceInstanceListSupplier for " + serviceId));
					}
					Flux<List<ServiceInstance>> lists = supplier.get();
					return lists;
				}, "Spring Cloud LoadBalancer");
			};
		}

	}

	/**
	 * Makes the look-up through Spring Cloud LoadBalancer, when its factory is there.
	 */
	@FunctionalInterface
	interface LoadBalancerLookupFactory {

		@Nullable InstanceLookup lookup();

	}

}
