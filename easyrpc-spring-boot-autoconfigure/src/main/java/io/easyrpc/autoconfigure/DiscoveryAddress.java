package io.easyrpc.autoconfigure;

import java.util.Locale;

/**
 * The {@code discovery://service-id} form of a target address: the instances of a service
 * that Spring Cloud discovery knows of.
 */
final class DiscoveryAddress {

	/** The scheme of addresses resolved through Spring Cloud discovery. */
	static final String SCHEME = "discovery";

	private static final String PREFIX = SCHEME + "://";

	private DiscoveryAddress() {
	}

	static boolean isDiscovery(String address) {
		return address.trim().toLowerCase(Locale.ROOT).startsWith(PREFIX);
	}

	// The service id is everything after the scheme; a trailing slash is forgiven.
	static String serviceId(String address, String property) {
		String id = address.trim().substring(PREFIX.length());
		if (id.endsWith("/")) {
			id = id.substring(0, id.length() - 1);
		}
		if (id.isEmpty() || id.contains("/") || id.contains(":")) {
			throw new RpcConfigurationException(property, property + " is '" + address.trim()
					+ "': expected discovery://service-id, the service id as the registry knows it");
		}
		return id;
	}

}
