package io.easyrpc.middleware;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.easyrpc.RpcStatus;

/**
 * Keeps at most a given number of connections open on a server. A connection over the
 * limit is refused with {@link RpcStatus#RESOURCE_EXHAUSTED} (reason {@value #REASON}); a
 * slot is free again once one of the accepted connections closes. Every connection
 * counts, in-process ones included.
 * <p>
 * With a block time, reaching the limit also starts a block: the refusal of a connection
 * because the server is full starts a period of the block time during which every new
 * connection is refused, with the same status and reason, even if connections close in
 * the meantime. Connections refused during a block do not extend it; the first connection
 * after it is judged by the count alone, and if the server is still full, it is refused
 * and a new block starts. A block gives an overloaded server room to recover instead of
 * taking a new connection every time one closes. With a zero block time, connections are
 * refused only while the server is at the limit.
 * <p>
 * Thread-safe: one instance serves every connection of a server.
 */
public final class ConnectionLimit implements ConnectionMiddleware {

	/**
	 * The reason of a refusal, the tag of the {@code easyrpc.server.rejected} counter.
	 */
	public static final String REASON = "connection-limit";

	private final int maxConnections;

	private final Duration blockTime;

	private final long blockNanos;

	private final LongSupplier nanoClock;

	private final AtomicInteger open = new AtomicInteger();

	// blockEnd is meaningful once blocked is set; written before it.
	private volatile long blockEnd;

	private volatile boolean blocked;

	/**
	 * Create a limit without a block time.
	 * @param maxConnections the number of connections kept open at most, at least 1
	 */
	public ConnectionLimit(int maxConnections) {
		this(maxConnections, Duration.ZERO);
	}

	/**
	 * Create a limit with a block time.
	 * @param maxConnections the number of connections kept open at most, at least 1
	 * @param blockTime how long new connections keep being refused after one was refused
	 * for the limit; zero for no block
	 */
	public ConnectionLimit(int maxConnections, Duration blockTime) {
		this(maxConnections, blockTime, System::nanoTime);
	}

	ConnectionLimit(int maxConnections, Duration blockTime, LongSupplier nanoClock) {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("The connection limit must be at least 1, not " + maxConnections);
		}
		Objects.requireNonNull(blockTime, "blockTime must not be null");
		if (blockTime.isNegative()) {
			throw new IllegalArgumentException("The block time must not be negative, not " + blockTime);
		}
		this.maxConnections = maxConnections;
		this.blockTime = blockTime;
		this.blockNanos = blockTime.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Return the number of connections kept open at most.
	 * @return the limit
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * Return how long new connections keep being refused once one was refused for the
	 * limit.
	 * @return the block time, zero for none
	 */
	public Duration blockTime() {
		return this.blockTime;
	}

	/**
	 * Return the number of connections this limit accepted that are still open.
	 * @return the open connection count
	 */
	public int openConnections() {
		return this.open.get();
	}

	@Override
	public ConnectionDecision onConnect(ConnectionInfo connection) {
		if (this.blocked) {
			long remaining = this.blockEnd - this.nanoClock.getAsLong();
			if (remaining > 0) {
				return ConnectionDecision.reject(RpcStatus.RESOURCE_EXHAUSTED,
						"Server reached its limit of " + this.maxConnections
								+ " connections and refuses new ones for another "
								+ Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)) + " ms",
						REASON);
			}
		}
		while (true) {
			int current = this.open.get();
			if (current >= this.maxConnections) {
				startBlock();
				return ConnectionDecision.reject(RpcStatus.RESOURCE_EXHAUSTED,
						"Server reached its limit of " + this.maxConnections + " connections; try again later", REASON);
			}
			if (this.open.compareAndSet(current, current + 1)) {
				return ConnectionDecision.accept();
			}
		}
	}

	private void startBlock() {
		if (this.blockNanos > 0) {
			this.blockEnd = this.nanoClock.getAsLong() + this.blockNanos;
			this.blocked = true;
		}
	}

	@Override
	public void onClose(ConnectionInfo connection) {
		this.open.decrementAndGet();
	}

	@Override
	public String toString() {
		return "ConnectionLimit[max=" + this.maxConnections + ", blockTime=" + this.blockTime + "]";
	}

}
