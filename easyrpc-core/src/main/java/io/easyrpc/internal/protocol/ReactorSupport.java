package io.easyrpc.internal.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bridges between futures and Reactor's {@code Mono}, and between {@code Flux} and
 * {@link Flow.Publisher}. Loaded only when a method uses {@link CallStyle#MONO} or
 * {@link CallStyle#FLUX}, so Reactor stays an optional dependency.
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

	/**
	 * Adapt a {@code Flux} to a {@link Flow.Publisher} that passes on demand and
	 * cancellation.
	 * @param flux a {@code Flux}
	 * @return the publisher
	 */
	public static Flow.Publisher<Object> toFlowPublisher(Object flux) {
		@SuppressWarnings("unchecked")
		Flux<Object> typed = (Flux<Object>) flux;
		return JdkFlowAdapter.publisherToFlowPublisher(typed);
	}

	/**
	 * Adapt a {@link Flow.Publisher} to a {@code Flux}.
	 * @param publisher the publisher
	 * @return the {@code Flux}
	 */
	public static Object toFlux(Flow.Publisher<Object> publisher) {
		return JdkFlowAdapter.flowPublisherToFlux(publisher);
	}

}
