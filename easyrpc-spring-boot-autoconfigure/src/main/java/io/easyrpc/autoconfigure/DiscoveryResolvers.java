package io.easyrpc.autoconfigure;

import io.easyrpc.client.AddressResolver;

/**
 * Creates the {@link AddressResolver} of a {@code discovery://service-id} target address.
 * The auto-configuration provides one that asks Spring Cloud discovery when it is on the
 * class path; an application may define its own bean to look instances up elsewhere.
 */
@FunctionalInterface
public interface DiscoveryResolvers {

	/**
	 * Return a new resolver of the instances of a service. The channel that receives it
	 * starts and closes it.
	 * @param serviceId the service id, as the registry knows it
	 * @return the resolver
	 */
	AddressResolver resolver(String serviceId);

}
