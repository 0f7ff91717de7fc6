package io.easyrpc.protocol;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a method delivers its result, decided by its return type on both sides of the wire.
 */
public enum CallStyle {

	/**
	 * A plain return type or {@code void}: the caller blocks until the result arrives.
	 */
	BLOCKING,

	/**
	 * {@code CompletableFuture<T>} or {@code CompletionStage<T>}: the caller never
	 * blocks.
	 */
	FUTURE,

	/** Reactor's {@code Mono<T>}: lazy, the call starts on subscription. */
	MONO;

	private static final String MONO_CLASS = "reactor.core.publisher.Mono";

	private static final String[] STREAMING_CLASSES = { "reactor.core.publisher.Flux",
			"java.util.concurrent.Flow$Publisher", "org.reactivestreams.Publisher", "java.util.stream.Stream",
			"java.util.Iterator" };

	/**
	 * Return the call style of a method.
	 * @param method the method
	 * @return the call style
	 * @throws IllegalArgumentException if the method returns a streaming type, which this
	 * version does not support
	 */
	public static CallStyle of(Method method) {
		Class<?> returnType = method.getReturnType();
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return FUTURE;
		}
		if (returnType.getName().equals(MONO_CLASS)) {
			return MONO;
		}
		for (String streaming : STREAMING_CLASSES) {
			if (returnType.getName().equals(streaming)) {
				throw new IllegalArgumentException("Method " + method.getDeclaringClass().getName() + "."
						+ method.getName() + " returns " + returnType.getSimpleName()
						+ ": streaming calls are not supported by this version of easyrpc");
			}
		}
		return BLOCKING;
	}

	/**
	 * Return the type of the value a method of this style produces: the type argument of
	 * a future or {@code Mono}, else the generic return type ({@code void} becomes
	 * {@link Void}).
	 * @param method the method
	 * @return the value type
	 */
	public Type valueType(Method method) {
		if (this == BLOCKING) {
			Class<?> returnType = method.getReturnType();
			return (returnType == void.class) ? Void.class : method.getGenericReturnType();
		}
		Type generic = method.getGenericReturnType();
		if (generic instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[0];
		}
		return Object.class;
	}

}
