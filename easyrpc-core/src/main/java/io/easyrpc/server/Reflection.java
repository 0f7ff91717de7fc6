package io.easyrpc.server;

import java.util.List;

/**
 * The built-in reflection service every easyrpc server answers under the key
 * {@value #DESCRIBE_KEY}. A client may call it through a proxy of this interface in group
 * {@value #GROUP}.
 */
public interface Reflection {

	/** The group of the reflection service. */
	String GROUP = "easyrpc";

	/** The key of {@link #describe()}. */
	String DESCRIBE_KEY = "easyrpc/Reflection.describe";

	/**
	 * Describe every service, method, parameter and return type the server exposes.
	 * @return the services
	 */
	List<ServiceDescriptor> describe();

}
