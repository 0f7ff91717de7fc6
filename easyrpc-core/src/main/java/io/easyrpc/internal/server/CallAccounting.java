package io.easyrpc.internal.server;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;

/**
 * Counts the calls a server is serving, hands them to the worker executor (or runs
 * non-blocking methods in place) and lets a stopping server wait until they finish.
 */
public final class CallAccounting {

	private final AtomicInteger active = new AtomicInteger();

	private final ServerObservers observers;

	private volatile Executor executor;

	// Set when a stop begins and left set after it, so that a request racing the close of
	// its connection is still refused, while isDraining() turns false once stopped.
	private volatile boolean refusing;

	private volatile boolean draining;

	CallAccounting(ServerObservers observers) {
		this.observers = observers;
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
