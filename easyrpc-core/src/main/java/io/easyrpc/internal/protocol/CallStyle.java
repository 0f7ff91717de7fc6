package io.easyrpc.internal.protocol;

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
	 * that is not supported: see {@link #streamParameter(Method)}, and
	 * {@code org.reactivestreams.Publisher} results
	 */
	public static CallStyle of(Method method) {
		streamParameter(method);
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
	 * Return the position of a method's stream parameter: a {@code Flux<T>} or
	 * {@code Flow.Publisher<T>} parameter makes the method a client stream (when its
	 * result is a value) or a bidirectional channel (when its result is a stream). A
	 * method has at most one stream parameter and it must be the last one; the other
	 * parameters travel in the request as usual.
	 * @param method the method
	 * @return the index of the stream parameter, or {@code -1} if there is none
	 * @throws IllegalArgumentException if the method takes more than one stream
	 * parameter, a stream parameter that is not the last one, or an
	 * {@code org.reactivestreams.Publisher} parameter
	 */
	public static int streamParameter(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		int found = -1;
		for (int i = 0; i < parameters.length; i++) {
			String name = parameters[i].getName();
			if (name.equals("org.reactivestreams.Publisher")) {
				throw new IllegalArgumentException("Method " + describe(method)
						+ " takes an org.reactivestreams.Publisher parameter: declare Flux or Flow.Publisher");
			}
			if (name.equals(FLUX_CLASS) || parameters[i] == Flow.Publisher.class) {
				if (found >= 0) {
					throw new IllegalArgumentException("Method " + describe(method)
							+ " takes more than one stream parameter; at most one is allowed");
				}
				found = i;
			}
		}
		if (found >= 0 && found != parameters.length - 1) {
			throw new IllegalArgumentException(
					"Method " + describe(method) + " takes its " + parameters[found].getSimpleName()
							+ " parameter before other parameters; the stream parameter " + "must be the last one");
		}
		return found;
	}

	/**
	 * Return the type of one item of a method's stream parameter.
	 * @param method the method
	 * @param index the index of the stream parameter
	 * @return the item type
	 */
	public static Type streamItemType(Method method, int index) {
		Type generic = method.getGenericParameterTypes()[index];
		if (generic instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[0];
		}
		return Object.class;
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName();
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
