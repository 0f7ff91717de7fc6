package io.easyrpc.internal.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The waits between connection attempts to one address: the first is the initial
 * back-off, each next one {@value #MULTIPLIER} times longer up to the maximum, and each
 * is spread by up to {@value #JITTER} of itself either way so that clients that lost the
 * same server do not all come back at the same instant. A success resets it. Not thread
 * safe: its subchannel calls it under its lock.
 */
public final class ExponentialBackoffPolicy {

	/** The factor from one back-off to the next. */
	public static final double MULTIPLIER = 1.6;

	/** The largest share of a back-off added or taken away at random. */
	public static final double JITTER = 0.2;

	private final long initialNanos;

	private final long maxNanos;

	private final DoubleSupplier random;

	private long nextNanos;

	/**
	 * Create a policy with a random jitter.
	 * @param initialNanos the back-off after the first failure, positive
	 * @param maxNanos the longest back-off before jitter; raised to the initial one if
	 * smaller
	 */
	public ExponentialBackoffPolicy(long initialNanos, long maxNanos) {
		this(initialNanos, maxNanos, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Create a policy.
	 * @param initialNanos the back-off after the first failure, positive
	 * @param maxNanos the longest back-off before jitter; raised to the initial one if
	 * smaller
	 * @param random values in {@code [0, 1)} that choose the jitter
	 */
	public ExponentialBackoffPolicy(long initialNanos, long maxNanos, DoubleSupplier random) {
		if (initialNanos <= 0) {
			throw new IllegalArgumentException("The initial back-off must be positive, not " + initialNanos + " ns");
		}
		this.initialNanos = initialNanos;
		this.maxNanos = Math.max(maxNanos, initialNanos);
		this.random = random;
		this.nextNanos = initialNanos;
	}

	/**
	 * Return the wait before the next attempt and lengthen the one after it.
	 * @return the back-off in nanoseconds, at least one
	 */
	public long nextBackoffNanos() {
		long current = this.nextNanos;
		this.nextNanos = (long) Math.min(current * MULTIPLIER, this.maxNanos);
		double spread = current * JITTER * (2 * this.random.getAsDouble() - 1);
		return Math.max(1, current + (long) spread);
	}

	/**
	 * Start again from the initial back-off, after a successful connection.
	 */
	public void reset() {
		this.nextNanos = this.initialNanos;
	}

}
