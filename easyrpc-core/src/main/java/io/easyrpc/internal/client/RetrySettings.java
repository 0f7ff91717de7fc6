package io.easyrpc.internal.client;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.easyrpc.RpcStatus;

/**
 * When the router retries failed calls of idempotent methods: the engine's copy of a
 * channel's {@code io.easyrpc.client.RetryPolicy}.
 *
 * @param maxAttempts the most attempts of one call, the first included
 * @param initialBackoffNanos the back-off before the first retry
 * @param maxBackoffNanos the longest back-off
 * @param multiplier the growth of the back-off after each retry
 * @param retryableStatuses the statuses after which a call is tried again
 * @param maxTokens the size of the retry budget
 * @param tokenRatio the tokens a success gives back
 */
public record RetrySettings(int maxAttempts, long initialBackoffNanos, long maxBackoffNanos, double multiplier,
		Set<RpcStatus> retryableStatuses, int maxTokens, double tokenRatio) {

	/** Settings that never retry. */
	public static final RetrySettings NONE = new RetrySettings(1, 1, 1, 1, Set.of(), 1, 1);

	/**
	 * Copy the set of statuses.
	 * @param maxAttempts the most attempts of one call, the first included
	 * @param initialBackoffNanos the back-off before the first retry
	 * @param maxBackoffNanos the longest back-off
	 * @param multiplier the growth of the back-off after each retry
	 * @param retryableStatuses the statuses after which a call is tried again
	 * @param maxTokens the size of the retry budget
	 * @param tokenRatio the tokens a success gives back
	 */
	public RetrySettings {
		retryableStatuses = Set.copyOf(retryableStatuses);
	}

	/**
	 * Return whether calls may be retried at all.
	 * @return {@code true} if more than one attempt is allowed
	 */
	public boolean isEnabled() {
		return this.maxAttempts > 1 && !this.retryableStatuses.isEmpty();
	}

	/**
	 * Return the back-off before a retry: between half and all of
	 * {@code min(initial * multiplier^(retry-1), max)}.
	 * @param retry the retry, 1 for the first
	 * @return nanoseconds
	 */
	public long backoffNanos(int retry) {
		double base = this.initialBackoffNanos * Math.pow(this.multiplier, Math.max(0, retry - 1));
		double capped = Math.min(base, this.maxBackoffNanos);
		return (long) (capped * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
	}

}
