package io.easyrpc.internal.client;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.Metadata;

/**
 * One server stream on the client: a call whose items arrive in {@code NEXT} frames and
 * wait in a queue until the consumer takes them. The queue is bounded by credit: the
 * request is followed by a {@code REQUEST_N} for {@link #window} items (the channel's
 * {@code RpcChannel.Builder#streamWindow(int) stream window}), and each time the consumer
 * has taken half a window, that many more are granted. The server never sends more than
 * granted, so at most one window of items waits here, however slow the consumer. The
 * future completes when the stream ends.
 */
public final class ClientStream extends ClientCall {

	private static final Object NULL = new Object();

	private static final Object EMPTY = new Object();

	final int window;

	// The longest silence between items, zero for no limit.
	final long idleTimeoutNanos;

	private final Queue<Object> items = new ConcurrentLinkedQueue<>();

	private volatile Runnable signal;

	// Consumer side only (one thread at a time).
	private int consumedSinceGrant;

	// Event loop only: credit granted and not yet used by the server.
	int outstanding;

	// Event loop only, for the idle timeout: when the idle check last saw activity (or
	// the request went out), on the event loop's clock, and the items received then.
	long lastActivityNanos;

	long itemsAtLastCheck;

	// The idle check scheduled on the event loop; cancelled when the stream ends, so
	// that the event loop holds no reference to an ended stream or its subscriber.
	volatile ScheduledFuture<?> idleCheck;

	ClientStream(CallRouter router, CallOptions options, Object[] arguments, Metadata metadata, long deadlineNanos,
			int window) {
		super(router, options, arguments, metadata, deadlineNanos);
		this.window = window;
		this.idleTimeoutNanos = options.idleTimeoutNanos();
		whenComplete((result, failure) -> {
			ScheduledFuture<?> check = this.idleCheck;
			if (check != null) {
				check.cancel(false);
			}
			signal();
		});
	}

	void signal(Runnable signal) {
		this.signal = signal;
	}

	private void signal() {
		Runnable current = this.signal;
		if (current != null) {
			current.run();
		}
	}

	/**
	 * Take an item from the server. Event loop.
	 * @param item the decoded item
	 */
	void onNext(Object item) {
		this.items.offer((item != null) ? item : NULL);
		signal();
	}

	private Object poll() {
		Object item = this.items.poll();
		if (item == null) {
			return EMPTY;
		}
		if (++this.consumedSinceGrant >= Math.max(1, this.window / 2) && !isDone()) {
			ClientConnection current = this.connection;
			if (current != null) {
				current.requestN(this, this.consumedSinceGrant);
			}
			this.consumedSinceGrant = 0;
		}
		return (item == NULL) ? null : item;
	}

	// The failure the consumer sees: the mapped exception, or CANCELLED.
	private Throwable failure() {
		try {
			get();
			return null;
		}
		catch (CancellationException ex) {
			return new RpcException(RpcStatus.CANCELLED, "Stream " + this.method + " was cancelled");
		}
		catch (ExecutionException | CompletionException ex) {
			return ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new RpcException(RpcStatus.CANCELLED, "Interrupted");
		}
	}

	/**
	 * The items as a blocking iterator; closing it cancels the call if it has not ended.
	 */
	public static final class BlockingIterator implements Iterator<Object>, AutoCloseable {

		private final ClientStream stream;

		private volatile Thread waiter;

		private Object next = EMPTY;

		/**
		 * Iterate over the items of a stream.
		 * @param stream the stream
		 */
		public BlockingIterator(ClientStream stream) {
			this.stream = stream;
		}

		/**
		 * Wake the consumer waiting for an item; called when items or the end arrive.
		 */
		public void wake() {
			Thread current = this.waiter;
			if (current != null) {
				LockSupport.unpark(current);
			}
		}

		@Override
		public boolean hasNext() {
			if (this.next != EMPTY) {
				return true;
			}
			while (true) {
				boolean done = this.stream.isDone();
				Object item = this.stream.poll();
				if (item != EMPTY) {
					this.next = item;
					return true;
				}
				if (done) {
					Throwable failure = this.stream.failure();
					if (failure == null) {
						return false;
					}
					failure.fillInStackTrace();
					if (failure instanceof RuntimeException runtime) {
						throw runtime;
					}
					if (failure instanceof Error error) {
						throw error;
					}
					throw new RpcException(RpcStatus.APPLICATION_ERROR, failure.getMessage(), failure);
				}
				if (this.stream.router.inEventLoop()) {
					throw new IllegalStateException("Blocking iteration of easyrpc stream " + this.stream.method
							+ " on the connection's I/O thread would never complete; declare a Flux or "
							+ "Flow.Publisher result instead");
				}
				this.waiter = Thread.currentThread();
				if (this.stream.items.isEmpty() && !this.stream.isDone()) {
					LockSupport.park(this);
				}
				this.waiter = null;
				if (Thread.interrupted()) {
					this.stream.cancel(false);
					Thread.currentThread().interrupt();
					throw new RpcException(RpcStatus.CANCELLED,
							"Interrupted while waiting for an item of " + this.stream.method);
				}
			}
		}

		@Override
		public Object next() {
			if (!hasNext()) {
				throw new NoSuchElementException("Stream " + this.stream.method + " has ended");
			}
			Object item = this.next;
			this.next = EMPTY;
			return item;
		}

		@Override
		public void close() {
			if (!this.stream.isDone()) {
				this.stream.cancel(false);
			}
		}

	}

	/**
	 * The items as a lazy publisher: each subscription starts a call.
	 */
	public static final class Publisher implements Flow.Publisher<Object> {

		private final Function<Runnable, ClientStream> starter;

		/**
		 * Create a publisher.
		 * @param starter starts the stream with the signal to call when items or the end
		 * arrive
		 */
		public Publisher(Function<Runnable, ClientStream> starter) {
			this.starter = starter;
		}

		@Override
		public void subscribe(Flow.Subscriber<? super Object> subscriber) {
			Subscription subscription = new Subscription(subscriber);
			subscriber.onSubscribe(subscription);
			if (!subscription.cancelled) {
				subscription.start(this.starter);
			}
		}

	}

	/**
	 * Hands items to a subscriber as it requests them; serialized by a work counter, so
	 * that the subscriber is never called concurrently.
	 */
	private static final class Subscription implements Flow.Subscription {

		private final Flow.Subscriber<? super Object> subscriber;

		private final AtomicLong requested = new AtomicLong();

		private final AtomicInteger work = new AtomicInteger();

		private volatile ClientStream stream;

		private volatile boolean cancelled;

		private boolean terminated;

		Subscription(Flow.Subscriber<? super Object> subscriber) {
			this.subscriber = subscriber;
		}

		void start(Function<Runnable, ClientStream> starter) {
			ClientStream started = starter.apply(this::signal);
			this.stream = started;
			if (this.cancelled) {
				started.cancel(false);
				return;
			}
			drain();
		}

		// Called by the stream when items or its end arrive.
		void signal() {
			drain();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				this.cancelled = true;
				ClientStream current = this.stream;
				if (current != null) {
					current.cancel(false);
				}
				this.subscriber.onError(new IllegalArgumentException("Requested " + n + " items; must be positive"));
				return;
			}
			this.requested.getAndAccumulate(n, (current, add) -> {
				long sum = current + add;
				return (sum < 0) ? Long.MAX_VALUE : sum;
			});
			drain();
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			ClientStream current = this.stream;
			if (current != null && !current.isDone()) {
				current.cancel(false);
			}
		}

		private void drain() {
			if (this.work.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			while (true) {
				ClientStream current = this.stream;
				if (current != null && !this.terminated) {
					long wanted = this.requested.get();
					long emitted = 0;
					while (emitted != wanted && !this.cancelled) {
						Object item = current.poll();
						if (item == EMPTY) {
							break;
						}
						this.subscriber.onNext(item);
						emitted++;
					}
					if (emitted != 0 && wanted != Long.MAX_VALUE) {
						this.requested.addAndGet(-emitted);
					}
					if (!this.cancelled && current.isDone() && current.items.isEmpty()) {
						this.terminated = true;
						Throwable failure = current.failure();
						if (failure == null) {
							this.subscriber.onComplete();
						}
						else {
							this.subscriber.onError(failure);
						}
					}
				}
				missed = this.work.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}

	}

}
