package io.easyrpc.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Bridges between futures and Reactor's {@code Mono}. Loaded only when a method uses
 * {@link CallStyle#MONO}, so Reactor stays an optional dependency.
 */
public final class ReactorSupport {

	private ReactorSupport() {
	}

	/**
	 * Subscribe to a {@code Mono} and return its value as a future.
	 * @param mono a {@code Mono}
	 * @return a future of its value ({@code null} if it completes empty)
	 */
	public static CompletableFuture<Object> toFuture(Object mono) {
		@SuppressWarnings("unchecked")
		Mono<Object> typed = (Mono<Object>) mono;
		return typed.toFuture();
	}

	/**
	 * Create a lazy {@code Mono} that starts a call on each subscription and cancels it
	 * when the subscription is cancelled.
	 * @param call starts the call
	 * @return the {@code Mono}
	 */
	public static Object fromFuture(Supplier<CompletableFuture<Object>> call) {
		return Mono.fromFuture(call);
	}

}
