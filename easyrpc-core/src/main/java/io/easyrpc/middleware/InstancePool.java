package io.easyrpc.middleware;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of objects that are costly to create and used by one thread at a time
 * (ciphers, deflaters). Works for platform and virtual threads alike, unlike a thread
 * local. Objects that do not fit into the pool, and every pooled object once the pool is
 * closed, are handed to the disposer.
 *
 * @param <T> the type of pooled object
 */
final class InstancePool<T> {

	private final Queue<T> idle = new ConcurrentLinkedQueue<>();

	private final AtomicInteger idleCount = new AtomicInteger();

	private final int capacity;

	private final Supplier<T> factory;

	private final Consumer<T> disposer;

	private volatile boolean closed;

	InstancePool(int capacity, Supplier<T> factory, Consumer<T> disposer) {
		this.capacity = capacity;
		this.factory = factory;
		this.disposer = disposer;
	}

	/**
	 * Default capacity: two objects per processor, at least 4 and at most 64.
	 */
	static int defaultCapacity() {
		return Math.max(4, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
	}

	T take() {
		T object = this.idle.poll();
		if (object == null) {
			return this.factory.get();
		}
		this.idleCount.decrementAndGet();
		return object;
	}

	void give(T object) {
		if (this.closed) {
			this.disposer.accept(object);
			return;
		}
		if (this.idleCount.incrementAndGet() > this.capacity) {
			this.idleCount.decrementAndGet();
			this.disposer.accept(object);
			return;
		}
		this.idle.offer(object);
		if (this.closed) {
			// closed while this object was being returned
			drain();
		}
	}

	void close() {
		this.closed = true;
		drain();
	}

	private void drain() {
		T object;
		while ((object = this.idle.poll()) != null) {
			this.disposer.accept(object);
		}
	}

}
