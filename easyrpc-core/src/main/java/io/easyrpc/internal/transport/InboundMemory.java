package io.easyrpc.internal.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.internal.PlatformDependent;

/**
 * The budget of bytes that the connections of one server may hold in frames that have not
 * fully arrived yet. A connection reserves the whole length of a frame as soon as it
 * knows that the frame will not arrive in one read, and releases it once the frame is
 * complete (or the connection closes). A connection whose reservation does not fit waits
 * with reading paused; it is told when memory has been released and tries again. A frame
 * that is complete in the bytes already read needs no reservation: small frames, the
 * common case, never touch the budget.
 * <p>
 * Since each reservation covers a whole frame, a connection holding one can always finish
 * its frame: connections waiting for memory never hold back the ones that free it.
 * Thread-safe.
 */
public final class InboundMemory {

	/** The share of the JVM's direct memory limit used when no limit is given. */
	static final int DEFAULT_SHARE_OF_DIRECT_MEMORY = 4;

	private final long limit;

	private final AtomicLong used = new AtomicLong();

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	/**
	 * Create a budget.
	 * @param limit the most bytes reserved at once, positive
	 */
	public InboundMemory(long limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("The inbound memory limit must be positive, not " + limit);
		}
		this.limit = limit;
	}

	/**
	 * Return the default limit: a quarter of the JVM's direct memory limit
	 * ({@code -XX:MaxDirectMemorySize}, by default the maximum heap size), which is where
	 * bytes read from sockets are buffered.
	 * @return the default limit in bytes
	 */
	public static long defaultLimit() {
		return Math.max(1, PlatformDependent.maxDirectMemory() / DEFAULT_SHARE_OF_DIRECT_MEMORY);
	}

	/**
	 * Return the limit.
	 * @return the most bytes reserved at once
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * Return the bytes reserved now.
	 * @return the bytes reserved
	 */
	public long used() {
		return this.used.get();
	}

	/**
	 * Return the number of connections waiting for memory (a stale entry of a connection
	 * that has stopped waiting may be counted until the next release).
	 * @return the number of waiting connections
	 */
	public int waiting() {
		return this.waiters.size();
	}

	/**
	 * Reserve bytes if they fit.
	 * @param bytes the bytes to reserve
	 * @return {@code true} if reserved, {@code false} if the budget has no room for them
	 * now
	 */
	public boolean tryReserve(long bytes) {
		while (true) {
			long current = this.used.get();
			long next = current + bytes;
			if (next > this.limit) {
				return false;
			}
			if (this.used.compareAndSet(current, next)) {
				return true;
			}
		}
	}

	/**
	 * Release reserved bytes and tell the connections waiting for memory to try again.
	 * @param bytes the bytes to release
	 */
	public void release(long bytes) {
		this.used.addAndGet(-bytes);
		Waiter waiter;
		int count = this.waiters.size();
		// Only the waiters present now: one that fails again queues itself anew.
		while (count-- > 0 && (waiter = this.waiters.poll()) != null) {
			waiter.memoryReleased();
		}
	}

	/**
	 * Wait for a release: the waiter is told once, at the next release. A waiter must try
	 * to reserve once more after calling this, in case the release happened just before.
	 * @param waiter the waiter
	 */
	public void await(Waiter waiter) {
		this.waiters.add(waiter);
	}

	/**
	 * A connection waiting for memory.
	 */
	public interface Waiter {

		/**
		 * Called, on any thread, once memory has been released. Must not block.
		 */
		void memoryReleased();

	}

}
