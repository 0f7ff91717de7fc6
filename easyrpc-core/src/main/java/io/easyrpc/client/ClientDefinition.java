package io.easyrpc.client;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.easyrpc.RpcMethodLookup;
import org.jspecify.annotations.Nullable;

/**
 * What a client proxy calls: the interface, the service name and group that make up the
 * method keys, the default deadline and per-method options.
 *
 * @param type the client interface
 * @param serviceName the service name for every key, or {@code null} for the simple name
 * of each method's declaring interface
 * @param group the group, or {@code null} for none
 * @param timeout the default deadline of calls
 * @param methodOptions gives the options of each method; may return {@code null} for the
 * defaults
 */
public record ClientDefinition(Class<?> type, @Nullable String serviceName, @Nullable String group,
		@Nullable Duration timeout, @Nullable Function<Method, @Nullable ClientMethodOptions> methodOptions) {

	/**
	 * Create a definition.
	 * @param type the interface
	 * @param serviceName the service name or {@code null}
	 * @param group the group or {@code null}
	 * @param timeout the default deadline, {@code null} for none
	 * @param methodOptions per-method options, {@code null} for the options of each
	 * method's {@link io.easyrpc.RpcMethod @RpcMethod} annotation
	 */
	public ClientDefinition {
		Objects.requireNonNull(type, "type must not be null");
		if (!type.isInterface()) {
			throw new IllegalArgumentException("easyrpc clients must be interfaces: " + type.getName());
		}
		if (methodOptions == null) {
			methodOptions = (method) -> ClientMethodOptions.annotated(method, RpcMethodLookup.standard());
		}
	}

	/**
	 * Create a definition with default naming and the options of the interface's
	 * {@link io.easyrpc.RpcMethod @RpcMethod} annotations.
	 * @param type the interface
	 * @param timeout the default deadline
	 * @return the definition
	 */
	public static ClientDefinition of(Class<?> type, @Nullable Duration timeout) {
		return new ClientDefinition(type, null, null, timeout, null);
	}

}
