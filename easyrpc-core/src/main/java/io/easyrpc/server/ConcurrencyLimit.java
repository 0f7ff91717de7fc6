package io.easyrpc.server;

import java.time.Duration;
import java.util.Objects;

/**
 * The server-wide limit on unary calls in flight. Calls beyond the limit are refused at
 * once with {@link io.easyrpc.RpcStatus#RESOURCE_EXHAUSTED} and a retry hint, never
 * started, instead of waiting in the worker queue past their deadline. An adaptive
 * algorithm moves the limit between {@code minLimit} and {@code maxLimit} from the
 * latency it measures: it lowers the limit when latency grows with the load (calls queue)
 * and raises it while latency stays flat.
 * <p>
 * Streams, client streams and notifications are not counted: a stream lives as long as
 * its subscriber wants and would make the measured latency meaningless.
 *
 * @param algorithm how the limit adapts
 * @param initialLimit the limit at start, before any measurement
 * @param minLimit the lowest the limit may fall to, at least 1
 * @param maxLimit the highest the limit may rise to
 * @param retryAfter the delay the refusal suggests to the client before it tries again
 */
public record ConcurrencyLimit(Algorithm algorithm, int initialLimit, int minLimit, int maxLimit, Duration retryAfter) {

	/**
	 * The default limit: {@link Algorithm#VEGAS}, starting at 100 calls, between 10 and
	 * 1000, suggesting a retry after 50 milliseconds.
	 */
	public static final ConcurrencyLimit DEFAULT = new ConcurrencyLimit(Algorithm.VEGAS, 100, 10, 1000,
			Duration.ofMillis(50));

	/**
	 * Check the settings.
	 * @param algorithm how the limit adapts
	 * @param initialLimit the limit at start, before any measurement
	 * @param minLimit the lowest the limit may fall to, at least 1
	 * @param maxLimit the highest the limit may rise to
	 * @param retryAfter the delay the refusal suggests to the client before it tries
	 * again
	 */
	public ConcurrencyLimit {
		Objects.requireNonNull(algorithm, "algorithm must not be null");
		Objects.requireNonNull(retryAfter, "retryAfter must not be null");
		if (minLimit < 1 || initialLimit < minLimit || maxLimit < initialLimit) {
			throw new IllegalArgumentException(
					"A concurrency limit needs 1 <= min-limit <= initial-limit <= max-limit, got " + minLimit + " <= "
							+ initialLimit + " <= " + maxLimit);
		}
		if (retryAfter.isNegative()) {
			throw new IllegalArgumentException("retryAfter must not be negative");
		}
	}

	/**
	 * A fixed limit of the given number of calls.
	 * @param limit the most unary calls in flight
	 * @return the limit
	 */
	public static ConcurrencyLimit fixed(int limit) {
		return new ConcurrencyLimit(Algorithm.FIXED, limit, limit, limit, DEFAULT.retryAfter());
	}

	/**
	 * How the limit adapts, the algorithms of Netflix
	 * {@code com.netflix.concurrency-limits}.
	 */
	public enum Algorithm {

		/**
		 * TCP Vegas: compares the latency of each sample with the lowest seen and moves
		 * the limit by small steps; the least jittery here.
		 */
		VEGAS,

		/**
		 * Gradient2: compares a short and a long average of the latency; tracks slow
		 * drifts of the base latency.
		 */
		GRADIENT2,

		/**
		 * Additive increase, multiplicative decrease: backs off only when calls fail with
		 * {@code DEADLINE_EXCEEDED}.
		 */
		AIMD,

		/**
		 * A fixed limit, {@code initialLimit}.
		 */
		FIXED

	}

}
