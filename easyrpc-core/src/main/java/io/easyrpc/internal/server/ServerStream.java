package io.easyrpc.internal.server;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.easyrpc.internal.ContextAccess;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.CallStyle;
import io.easyrpc.internal.protocol.ReactorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producing side of one server stream, driven by the client's credit.
 * <p>
 * A {@code Stream} or {@code Iterator} is pulled on a worker thread only while credit is
 * left; when it runs out, the pull returns its thread and starts again when the next
 * {@code REQUEST_N} arrives. It also pauses while the connection's outbound buffer is
 * full. A {@code Flow.Publisher} (or a {@code Flux}, adapted to one) gets
 * {@code request(n)} within the credit the client grants, in batches, and only while the
 * connection is writable. Whichever way the stream ends (completion, failure, the
 * client's {@code CANCEL}, the deadline or the connection closing), it ends once: the
 * producer is cancelled or closed and the call is finished.
 */
final class ServerStream {

	private static final ContextAccess CONTEXTS = ContextAccess.get();

	private static final Logger logger = LoggerFactory.getLogger(ServerStream.class);

	// Items a publisher is asked for at most at a time.
	private static final int PUBLISHER_BATCH = 256;

	private final ServerConnection connection;

	private final ServerCall call;

	private final Executor executor;

	// Granted by the client and not yet used.
	private final AtomicLong credit = new AtomicLong();

	// Items requested from the publisher and not yet received: never more than the credit
	// left, nor than PUBLISHER_BATCH.
	private final AtomicLong requested = new AtomicLong();

	// Serializes the requests to the publisher.
	private final AtomicInteger pumps = new AtomicInteger();

	private final AtomicBoolean awaitingWritable = new AtomicBoolean();

	private final AtomicBoolean finished = new AtomicBoolean();

	// Serializes pulls of a Stream or Iterator: only the thread that raised it from zero
	// pulls.
	private final AtomicInteger pulls = new AtomicInteger();

	private final Runnable pullTask = this::pull;

	private volatile boolean done;

	private volatile boolean started;

	private volatile Iterator<?> iterator;

	private AutoCloseable resource;

	private boolean resourceClosed;

	private volatile Flow.Subscription subscription;

	private volatile ScheduledFuture<?> deadlineTimer;

	ServerStream(ServerConnection connection, ServerCall call, Executor executor) {
		this.connection = connection;
		this.call = call;
		this.executor = executor;
	}

	/**
	 * Add credit from a {@code REQUEST_N} frame. Event loop.
	 * @param n the credit
	 */
	void addCredit(int n) {
		if (this.done) {
			return;
		}
		this.credit.getAndAccumulate(n, ServerStream::saturatedAdd);
		if (this.iterator != null) {
			schedulePull();
			return;
		}
		pump();
	}

	// Asks the publisher for more items while credit is left and the connection is
	// writable, at most PUBLISHER_BATCH at a time, so that a client's large credit does
	// not fill the outbound buffer of a connection that the client does not read.
	private void pump() {
		if (this.pumps.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		while (true) {
			Flow.Subscription current = this.subscription;
			if (current != null && !this.done) {
				if (!this.connection.isWritable()) {
					if (this.awaitingWritable.compareAndSet(false, true)) {
						this.connection.whenWritable(() -> {
							this.awaitingWritable.set(false);
							pump();
						});
					}
				}
				else {
					// Read before the credit: onNext lowers the requested count before
					// the
					// credit, so this order can only under-estimate what may be asked
					// for.
					long outstanding = this.requested.get();
					long wanted = Math.min(this.credit.get(), PUBLISHER_BATCH) - outstanding;
					if (wanted > 0) {
						this.requested.addAndGet(wanted);
						current.request(wanted);
					}
				}
			}
			missed = this.pumps.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	/**
	 * Start producing from what the method returned. Called once, by the thread that ran
	 * the method.
	 * @param result the method's return value
	 */
	void start(Object result) {
		if (result == null) {
			this.done = true;
			finishOnce(new RpcException(RpcStatus.INTERNAL, "Method " + this.call.method().key()
					+ " returned null instead of a " + this.call.method().callStyle()));
			return;
		}
		long deadline = this.call.context().deadlineNanos();
		if (deadline != 0) {
			this.deadlineTimer = this.connection.schedule(this::deadlinePassed, deadline - System.nanoTime());
		}
		CallStyle style = this.call.method().callStyle();
		if (style == CallStyle.STREAM || style == CallStyle.ITERATOR) {
			if (result instanceof Stream<?> stream) {
				this.resource = stream;
				this.iterator = stream.iterator();
			}
			else {
				Iterator<?> items = (Iterator<?>) result;
				this.resource = (items instanceof AutoCloseable closeable) ? closeable : null;
				this.iterator = items;
			}
			this.started = true;
			// Also closes the stream if the call was cancelled meanwhile.
			schedulePull();
			if (this.done) {
				finishOnce(null);
			}
			return;
		}
		@SuppressWarnings("unchecked")
		Flow.Publisher<Object> publisher = (style == CallStyle.FLUX) ? ReactorSupport.toFlowPublisher(result)
				: (Flow.Publisher<Object>) result;
		this.started = true;
		if (this.done) {
			finishOnce(null);
			return;
		}
		try {
			publisher.subscribe(new ItemSubscriber());
		}
		catch (Throwable ex) {
			fail(ex);
		}
	}

	/**
	 * Stop the producer because the client cancelled or the connection closed. Any
	 * thread.
	 */
	void cancel() {
		if (this.done) {
			return;
		}
		this.done = true;
		stopProducer();
		if (this.started) {
			finishOnce(null);
		}
	}

	private void deadlinePassed() {
		if (!this.done) {
			this.done = true;
			stopProducer();
			this.call.context().cancel();
			finishOnce(new RpcException(RpcStatus.DEADLINE_EXCEEDED,
					"Deadline passed while streaming " + this.call.method().key()));
		}
	}

	private void complete() {
		if (!this.done) {
			this.done = true;
			finishOnce(null);
		}
	}

	private void fail(Throwable failure) {
		if (!this.done) {
			this.done = true;
			stopProducer();
			finishOnce(failure);
		}
	}

	private void stopProducer() {
		ScheduledFuture<?> timer = this.deadlineTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		Flow.Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
		if (this.iterator != null) {
			// The pulling thread sees the stream done and closes it.
			schedulePull();
		}
	}

	private void finishOnce(Throwable failure) {
		if (this.finished.compareAndSet(false, true)) {
			ScheduledFuture<?> timer = this.deadlineTimer;
			if (timer != null) {
				timer.cancel(false);
			}
			this.call.finish(null, failure);
		}
	}

	private void schedulePull() {
		if (this.pulls.getAndIncrement() == 0) {
			try {
				this.executor.execute(this.pullTask);
			}
			catch (RejectedExecutionException ex) {
				this.pulls.set(0);
				this.connection.server().rejected(this.call.method().key(), "executor-saturated");
				fail(new RpcException(RpcStatus.RESOURCE_EXHAUSTED,
						"Server is overloaded: no worker available for " + this.call.method().key()));
			}
		}
	}

	// Pulls while credit is left and the connection takes more; each item is encoded and
	// sent on this thread.
	private void pull() {
		int missed = 1;
		RpcContext previous = CONTEXTS.attach(this.call.context());
		try {
			Iterator<?> items = this.iterator;
			while (true) {
				while (!this.done && this.credit.get() > 0) {
					if (!this.connection.isWritable()) {
						this.connection.whenWritable(this::schedulePull);
						break;
					}
					Object item;
					try {
						if (!items.hasNext()) {
							closeResource();
							complete();
							return;
						}
						item = items.next();
					}
					catch (Throwable ex) {
						closeResource();
						fail(ex);
						return;
					}
					if (this.done) {
						// Cancelled or past the deadline while next() ran: the stream has
						// ended on the wire already.
						break;
					}
					this.credit.decrementAndGet();
					if (!send(item)) {
						closeResource();
						return;
					}
				}
				if (this.done) {
					closeResource();
					return;
				}
				missed = this.pulls.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}
		finally {
			CONTEXTS.restore(previous);
		}
	}

	private void closeResource() {
		if (!this.resourceClosed) {
			this.resourceClosed = true;
			if (this.resource != null) {
				try {
					this.resource.close();
				}
				catch (Exception ex) {
					logger.debug("Cannot close the stream of easyrpc method {}", this.call.method().key(), ex);
				}
			}
		}
	}

	// Returns false if the stream ended because the item could not be sent.
	private boolean send(Object item) {
		try {
			this.connection.sendNext(this.call, item);
			return true;
		}
		catch (RpcException ex) {
			fail(ex);
			return false;
		}
	}

	private static long saturatedAdd(long current, long n) {
		long sum = current + n;
		return (sum < 0) ? Long.MAX_VALUE : sum;
	}

	/**
	 * Receives the items of a publisher and sends them.
	 */
	private final class ItemSubscriber implements Flow.Subscriber<Object> {

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			Objects.requireNonNull(subscription, "subscription");
			if (ServerStream.this.subscription != null || ServerStream.this.done) {
				subscription.cancel();
				return;
			}
			ServerStream.this.subscription = subscription;
			pump();
		}

		@Override
		public void onNext(Object item) {
			if (item == null) {
				// Rule 2.13: the subscription counts as cancelled, and the call ends
				// instead of waiting for items that will not come.
				ServerStream.this.subscription = null;
				fail(new RpcException(RpcStatus.INTERNAL, "The publisher of " + ServerStream.this.call.method().key()
						+ " sent a null item, which Reactive Streams forbids"));
				throw new NullPointerException("item");
			}
			if (ServerStream.this.done) {
				return;
			}
			long left = ServerStream.this.requested.decrementAndGet();
			if (left < 0) {
				fail(new RpcException(RpcStatus.INTERNAL, "The publisher of " + ServerStream.this.call.method().key()
						+ " sent more items than were requested"));
				return;
			}
			ServerStream.this.credit.decrementAndGet();
			if (send(item) && left <= PUBLISHER_BATCH / 2) {
				pump();
			}
		}

		@Override
		public void onError(Throwable failure) {
			Objects.requireNonNull(failure, "failure");
			// Rule 2.3: the subscription is not called once the publisher has ended.
			ServerStream.this.subscription = null;
			fail(failure);
		}

		@Override
		public void onComplete() {
			complete();
		}

	}

}
