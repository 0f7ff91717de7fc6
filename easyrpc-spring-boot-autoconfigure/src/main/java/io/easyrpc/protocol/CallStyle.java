package io.easyrpc.protocol;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

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
	MONO,

	/**
	 * Reactor's {@code Flux<T>}: a server stream, lazy, the call starts on subscription.
	 */
	FLUX,

	/**
	 * {@code java.util.concurrent.Flow.Publisher<T>}: a server stream, lazy, the call
	 * starts on subscription.
	 */
	PUBLISHER,

	/**
	 * {@code java.util.stream.Stream<T>}: a server stream consumed by blocking iteration;
	 * closing it cancels the call.
	 */
	STREAM,

	/**
	 * {@code java.util.Iterator<T>}: a server stream consumed by blocking iteration.
	 */
	ITERATOR;

	private static final String MONO_CLASS = "reactor.core.publisher.Mono";

	private static final String FLUX_CLASS = "reactor.core.publisher.Flux";

	private static final String[] UNSUPPORTED_STREAMING_CLASSES = { "org.reactivestreams.Publisher" };

	private static final String[] STREAM_PARAMETER_CLASSES = { FLUX_CLASS, "java.util.concurrent.Flow$Publisher",
			"org.reactivestreams.Publisher" };

	/**
	 * Return whether calls of this style are server streams: many items answer one
	 * request.
	 * @return {@code true} for {@link #FLUX}, {@link #PUBLISHER}, {@link #STREAM} and
	 * {@link #ITERATOR}
	 */
	public boolean isStreaming() {
		return this == FLUX || this == PUBLISHER || this == STREAM || this == ITERATOR;
	}

	/**
	 * Return the call style of a method.
	 * @param method the method
	 * @return the call style
	 * @throws IllegalArgumentException if the method returns or takes a streaming type
	 * that this version does not support: client streams and channels (a publisher
	 * parameter) and {@code org.reactivestreams.Publisher} results
	 */
	public static CallStyle of(Method method) {
		for (Class<?> parameter : method.getParameterTypes()) {
			for (String streaming : STREAM_PARAMETER_CLASSES) {
				if (parameter.getName().equals(streaming)) {
					throw new IllegalArgumentException("Method " + method.getDeclaringClass().getName() + "."
							+ method.getName() + " takes a " + parameter.getSimpleName()
							+ " parameter: client streams and channels are not supported by this version of easyrpc");
				}
			}
		}
		Class<?> returnType = method.getReturnType();
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return FUTURE;
		}
		if (returnType.getName().equals(MONO_CLASS)) {
			return MONO;
		}
		if (returnType.getName().equals(FLUX_CLASS)) {
			return FLUX;
		}
		if (returnType == Flow.Publisher.class) {
			return PUBLISHER;
		}
		if (returnType == Stream.class) {
			return STREAM;
		}
		if (returnType == Iterator.class) {
			return ITERATOR;
		}
		for (String streaming : UNSUPPORTED_STREAMING_CLASSES) {
			if (returnType.getName().equals(streaming)) {
				throw new IllegalArgumentException("Method " + method.getDeclaringClass().getName() + "."
						+ method.getName() + " returns " + returnType.getSimpleName()
						+ ": declare Flux, Flow.Publisher, Stream or Iterator for a server stream");
			}
		}
		return BLOCKING;
	}

	/**
	 * Return the type of the value a method of this style produces: the type argument of
	 * a future, {@code Mono} or stream (the type of one item), else the generic return
	 * type ({@code void} becomes {@link Void}).
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
