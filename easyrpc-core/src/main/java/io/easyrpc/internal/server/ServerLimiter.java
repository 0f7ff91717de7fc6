package io.easyrpc.internal.server;

import java.util.Optional;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.server.ConcurrencyLimit;
import org.jspecify.annotations.Nullable;

/**
 * The server-wide limit on unary calls in flight, over a Netflix
 * {@code concurrency-limits} limiter: a call takes a slot when it is admitted and gives
 * it back, with its latency as a sample, when it ends. The samples update the limit once
 * per window rather than under a lock per call.
 */
final class ServerLimiter {

	private final SimpleLimiter<Void> limiter;

	private final String errorClass;

	ServerLimiter(ConcurrencyLimit settings) {
		this.limiter = SimpleLimiter.newBuilder().named("easyrpc-server").limit(limit(settings)).build();
		this.errorClass = Frame.Error.OVERLOADED + ";retry-after-ms=" + settings.retryAfter().toMillis();
	}

	private static Limit limit(ConcurrencyLimit settings) {
		Limit limit = switch (settings.algorithm()) {
			case VEGAS -> VegasLimit.newBuilder()
				.initialLimit(settings.initialLimit())
				.maxConcurrency(settings.maxLimit())
				.build();
			case GRADIENT2 -> Gradient2Limit.newBuilder()
				.initialLimit(settings.initialLimit())
				.minLimit(settings.minLimit())
				.maxConcurrency(settings.maxLimit())
				.build();
			case AIMD -> AIMDLimit.newBuilder()
				.initialLimit(settings.initialLimit())
				.minLimit(settings.minLimit())
				.maxLimit(settings.maxLimit())
				.build();
			case FIXED -> FixedLimit.of(settings.initialLimit());
		};
		if (settings.algorithm() == ConcurrencyLimit.Algorithm.FIXED) {
			return limit;
		}
		// The window keeps the algorithm from reacting to single samples, and its lock is
		// taken once per window instead of once per call.
		return WindowedLimit.newBuilder().build(limit);
	}

	/**
	 * Take a slot for a call.
	 * @return the slot, or {@code null} if the limit is reached
	 */
	Limiter.@Nullable Listener tryAcquire() {
		Optional<Limiter.Listener> slot = this.limiter.acquire(null);
		return slot.orElse(null);
	}

	/**
	 * Return the refusal of a call that found the limit reached.
	 * @param methodKey the method
	 * @return the exception, whose error class carries the retry hint
	 */
	RpcException refusal(String methodKey) {
		return new RpcException(RpcStatus.RESOURCE_EXHAUSTED,
				"Server is overloaded: " + this.limiter.getInflight()
						+ " calls in flight reached its concurrency limit of " + this.limiter.getLimit() + "; "
						+ methodKey + " was not started, retry later",
				this.errorClass, null, null);
	}

	/**
	 * Give back the slot of a call that has ended.
	 * @param slot the slot
	 * @param status the call's status
	 */
	static void release(Limiter.Listener slot, RpcStatus status) {
		switch (status) {
			// The latency of a call that ran to its end says how loaded the server is.
			case OK, APPLICATION_ERROR, NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED ->
				slot.onSuccess();
			case DEADLINE_EXCEEDED -> slot.onDropped();
			default -> slot.onIgnore();
		}
	}

	/**
	 * Return the current limit.
	 * @return the limit
	 */
	int limit() {
		return this.limiter.getLimit();
	}

	/**
	 * Return the calls that hold a slot.
	 * @return the count
	 */
	int inFlight() {
		return this.limiter.getInflight();
	}

}
