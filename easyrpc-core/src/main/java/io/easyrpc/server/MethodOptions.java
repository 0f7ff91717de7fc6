package io.easyrpc.server;

import java.lang.reflect.Method;

import io.easyrpc.RpcMethod;
import io.easyrpc.RpcMethodLookup;
import org.jspecify.annotations.Nullable;

/**
 * Per-method options of a served method.
 *
 * @param name the method name in the key, or {@code null} for the Java method name
 * @param oneWay whether the method is a notification: the caller gets no response
 * @param nonBlocking whether the method promises never to block, so that it may run on
 * the I/O thread (the counterpart of gRPC's {@code directExecutor()})
 * @param maxConcurrency the most calls of the method that may run at once on the server,
 * {@code 0} for no limit; a call over the limit fails at once with
 * {@link io.easyrpc.RpcStatus#RESOURCE_EXHAUSTED}, it is not queued
 * @param localOnly whether the method answers only callers in the same process or on the
 * loopback interface; others receive {@link io.easyrpc.RpcStatus#PERMISSION_DENIED}
 */
public record MethodOptions(@Nullable String name, boolean oneWay, boolean nonBlocking, int maxConcurrency,
		boolean localOnly) {

	/** The default options. */
	public static final MethodOptions DEFAULT = new MethodOptions(null, false, false, 0, false);

	/**
	 * Create options.
	 * @param name the method name in the key, or {@code null} for the Java method name
	 * @param oneWay whether the method is a notification
	 * @param nonBlocking whether the method may run on the I/O thread
	 * @param maxConcurrency the most concurrent calls, {@code 0} for no limit
	 * @param localOnly whether only local callers are answered
	 */
	public MethodOptions {
		if (maxConcurrency < 0) {
			throw new IllegalArgumentException(
					"maxConcurrency must be 0 (no limit) or positive, not " + maxConcurrency);
		}
	}

	/**
	 * Create options without a concurrency limit that answer every caller.
	 * @param name the method name in the key, or {@code null} for the Java method name
	 * @param oneWay whether the method is a notification
	 * @param nonBlocking whether the method may run on the I/O thread
	 */
	public MethodOptions(@Nullable String name, boolean oneWay, boolean nonBlocking) {
		this(name, oneWay, nonBlocking, 0, false);
	}

	/**
	 * Return the options an {@link RpcMethod @RpcMethod} annotation declares.
	 * @param annotation the annotation, or {@code null} for the defaults
	 * @return the options
	 */
	public static MethodOptions of(@Nullable RpcMethod annotation) {
		if (annotation == null) {
			return DEFAULT;
		}
		return new MethodOptions(annotation.name().isEmpty() ? null : annotation.name(), annotation.oneWay(),
				annotation.nonBlocking(), annotation.maxConcurrency(), annotation.localOnly());
	}

	/**
	 * Return the options of a served method from its {@link RpcMethod @RpcMethod}
	 * annotation: the one on the implementation's method if it has one, else the one on
	 * the method as exposed (usually the interface's). The client timeout of the
	 * annotation does not apply to the server.
	 * @param method the exposed method, usually declared by an interface
	 * @param implementation the class of the object that serves the method
	 * @param lookup how annotations are found, for example
	 * {@link RpcMethodLookup#standard()}
	 * @return the options, {@link #DEFAULT} if neither method is annotated
	 */
	public static MethodOptions annotated(Method method, @Nullable Class<?> implementation, RpcMethodLookup lookup) {
		RpcMethod onImplementation = lookup.find(implementationMethod(method, implementation));
		return of((onImplementation != null) ? onImplementation : lookup.find(method));
	}

	private static Method implementationMethod(Method method, @Nullable Class<?> implementation) {
		if (implementation == null || implementation == method.getDeclaringClass()) {
			return method;
		}
		try {
			return implementation.getMethod(method.getName(), method.getParameterTypes());
		}
		catch (NoSuchMethodException ex) {
			return method;
		}
	}

	/**
	 * Return a copy with another concurrency limit.
	 * @param maxConcurrency the most concurrent calls, {@code 0} for no limit
	 * @return the options
	 */
	public MethodOptions withMaxConcurrency(int maxConcurrency) {
		return new MethodOptions(this.name, this.oneWay, this.nonBlocking, maxConcurrency, this.localOnly);
	}

	/**
	 * Return a copy with another non-blocking setting.
	 * @param nonBlocking whether the method may run on the I/O thread
	 * @return the options
	 */
	public MethodOptions withNonBlocking(boolean nonBlocking) {
		return new MethodOptions(this.name, this.oneWay, nonBlocking, this.maxConcurrency, this.localOnly);
	}

	/**
	 * Return a copy with another local-only setting.
	 * @param localOnly whether only local callers are answered
	 * @return the options
	 */
	public MethodOptions withLocalOnly(boolean localOnly) {
		return new MethodOptions(this.name, this.oneWay, this.nonBlocking, this.maxConcurrency, localOnly);
	}

}
