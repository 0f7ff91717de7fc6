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
 * @param streamTimeout the deadline of server streams, unless a method has its own:
 * {@code null} for {@code timeout}, zero for none
 * @param streamIdleTimeout the longest silence between the items of a server stream while
 * the client has asked for more: {@code null} for {@link #DEFAULT_STREAM_IDLE_TIMEOUT},
 * zero for no limit
 */
public record ClientDefinition(Class<?> type, @Nullable String serviceName, @Nullable String group,
		@Nullable Duration timeout, @Nullable Function<Method, @Nullable ClientMethodOptions> methodOptions,
		@Nullable Duration streamTimeout, @Nullable Duration streamIdleTimeout) {

	/**
	 * The longest silence between the items of a server stream unless configured: 30
	 * seconds.
	 */
	public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);

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
	 * Create a definition whose server streams have the same deadline as other calls and
	 * the default idle timeout.
	 * @param type the interface
	 * @param serviceName the service name or {@code null}
	 * @param group the group or {@code null}
	 * @param timeout the default deadline, {@code null} for none
	 * @param methodOptions per-method options, {@code null} for the options of each
	 * method's {@link io.easyrpc.RpcMethod @RpcMethod} annotation
	 */
	public ClientDefinition(Class<?> type, @Nullable String serviceName, @Nullable String group,
			@Nullable Duration timeout, @Nullable Function<Method, @Nullable ClientMethodOptions> methodOptions) {
		this(type, serviceName, group, timeout, methodOptions, null, null);
	}

	/**
	 * Return the deadline of a server stream whose method has none of its own.
	 * @return the deadline, {@code null} or zero for none
	 */
	public @Nullable Duration effectiveStreamTimeout() {
		return (this.streamTimeout != null) ? this.streamTimeout : this.timeout;
	}

	/**
	 * Return the longest silence between the items of a server stream.
	 * @return the limit, zero for none
	 */
	public Duration effectiveStreamIdleTimeout() {
		return (this.streamIdleTimeout != null) ? this.streamIdleTimeout : DEFAULT_STREAM_IDLE_TIMEOUT;
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
