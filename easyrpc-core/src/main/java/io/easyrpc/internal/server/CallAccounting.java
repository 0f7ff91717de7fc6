package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.Limiter;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.server.ConcurrencyLimit;
import org.jspecify.annotations.Nullable;

/**
 * Counts the calls a server is serving, holds its server-wide concurrency limit, hands
 * the calls to the worker executor (or runs non-blocking methods in place) and lets a
 * stopping server wait until they finish.
 */
public final class CallAccounting {

	private final AtomicInteger active = new AtomicInteger();

	private final ServerObservers observers;

	private volatile Executor executor;

	// Set when a stop begins and left set after it, so that a request racing the close of
	// its connection is still refused, while isDraining() turns false once stopped.
	private volatile boolean refusing;

	private volatile boolean draining;

	// Null when unary calls are not limited server-wide.
	private volatile @Nullable ServerLimiter limiter;

	CallAccounting(ServerObservers observers) {
		this.observers = observers;
	}

	/**
	 * Limit the unary calls in flight server-wide. Set before the server starts.
	 * @param limit the limit, {@code null} for none
	 */
	public void limit(@Nullable ConcurrencyLimit limit) {
		this.limiter = (limit != null) ? new ServerLimiter(limit) : null;
	}

	/**
	 * Return the current server-wide limit.
	 * @return the limit, or {@code -1} without one
	 */
	public int concurrencyLimit() {
		ServerLimiter current = this.limiter;
		return (current != null) ? current.limit() : -1;
	}

	/**
	 * Take a slot under the server-wide limit for a unary call.
	 * @param methodKey the method
	 * @return the slot, or {@code null} without a server-wide limit
	 * @throws RpcException with {@code RESOURCE_EXHAUSTED} and the retry hint if the
	 * limit is reached; the refusal is counted
	 */
	Limiter.@Nullable Listener admit(String methodKey) {
		ServerLimiter current = this.limiter;
		if (current == null) {
			return null;
		}
		Limiter.Listener slot = current.tryAcquire();
		if (slot == null) {
			this.observers.rejected(methodKey, "overload");
			throw current.refusal(methodKey);
		}
		return slot;
	}

	/**
	 * Start accepting calls, run on the given executor.
	 * @param executor the worker executor
	 */
	public void open(Executor executor) {
		this.executor = executor;
		this.draining = false;
		this.refusing = false;
	}

	/**
	 * Refuse new calls from now on and mark the server as draining.
	 */
	public void refuse() {
		this.refusing = true;
		this.draining = true;
	}

	/**
	 * Wait until no call is in flight or the timeout has passed.
	 * @param timeout how long to wait
	 * @return the number of calls still in flight
	 */
	public int awaitIdle(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.active) {
			while (this.active.get() > 0 && deadline - System.nanoTime() > 0) {
				try {
					this.active.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		return this.active.get();
	}

	/**
	 * Mark the end of draining, once the server has stopped.
	 */
	public void drained() {
		this.draining = false;
	}

	/**
	 * Return whether new calls are refused.
	 * @return {@code true} while stopping or stopped
	 */
	public boolean isRefusing() {
		return this.refusing;
	}

	/**
	 * Return whether the server is draining.
	 * @return {@code true} between the start and the end of a stop
	 */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Return the number of calls in flight.
	 * @return the count
	 */
	public int active() {
		return this.active.get();
	}

	/**
	 * Return the worker executor.
	 * @return the executor, {@code null} before the server starts
	 */
	public Executor executor() {
		return this.executor;
	}

	void dispatch(ServerCall call) {
		this.active.incrementAndGet();
		if (call.method().options().nonBlocking()) {
			call.run();
			return;
		}
		try {
			this.executor.execute(call);
		}
		catch (RejectedExecutionException ex) {
			this.observers.rejected(call.method().key(), "executor-saturated");
			call.finish(null, new RpcException(RpcStatus.RESOURCE_EXHAUSTED,
					"Server is overloaded: no worker available for " + call.method().key()));
		}
	}

	/**
	 * Count a call that a gateway route forwards: it runs no method here, but a stopping
	 * server waits for it like for any other.
	 */
	void forwardStarted() {
		this.active.incrementAndGet();
	}

	void callFinished() {
		if (this.active.decrementAndGet() == 0 && this.draining) {
			synchronized (this.active) {
				this.active.notifyAll();
			}
		}
	}

}
