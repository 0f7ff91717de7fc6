package io.easyrpc.internal.server;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;

/**
 * The items a client streams to a server method: the publisher that the method gets for
 * its {@code Flux} or {@code Flow.Publisher} parameter.
 * <p>
 * The client sends items only within the credit that this side grants with
 * {@code REQUEST_N}: a window of items
 * ({@link io.easyrpc.server.RpcServer.Builder#streamWindow(int)}, 32 by default) once the
 * method first requests, then, each time the method has taken half a window, that many
 * more. So at most one window of items waits here, however slowly the method consumes.
 * One subscriber only; the subscriber is never called concurrently. Cancelling the
 * subscription sends {@code CANCEL} to the client, which stops its producer.
 */
public final class ServerInput implements Flow.Publisher<Object> {

	/** The default window: credit granted at first, topped up by half a window. */
	public static final int DEFAULT_WINDOW = 32;

	private final int window;

	private static final Object NULL = new Object();

	private final ServerConnection connection;

	private final ServerCall call;

	private final Queue<Object> items = new ConcurrentLinkedQueue<>();

	private final AtomicLong requested = new AtomicLong();

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicBoolean subscribed = new AtomicBoolean();

	private final AtomicBoolean creditStarted = new AtomicBoolean();

	// Set once onSubscribe has returned (rule 1.3: no onNext before it), cleared once the
	// subscriber is cancelled or terminated (rule 3.13).
	private volatile Flow.Subscriber<? super Object> subscriber;

	// Set once the client ended its stream (COMPLETE or ERROR) or the call ended.
	private volatile boolean ended;

	private volatile Throwable failure;

	private volatile boolean cancelled;

	// Set when the input ends with a failure that skips the items still waiting.
	private volatile boolean aborted;

	// A non-positive request, signalled by the drain loop (rules 3.9 and 1.3).
	private volatile Throwable invalidRequest;

	// Drain loop only.
	private boolean terminated;

	private int consumedSinceGrant;

	// Event loop only: credit granted and not yet used by the client.
	private int outstanding;

	ServerInput(ServerConnection connection, ServerCall call, int window) {
		this.connection = connection;
		this.call = call;
		this.window = window;
	}

	@Override
	public void subscribe(Flow.Subscriber<? super Object> subscriber) {
		Objects.requireNonNull(subscriber, "subscriber");
		if (!this.subscribed.compareAndSet(false, true)) {
			subscriber.onSubscribe(new Flow.Subscription() {
				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
				}
			});
			subscriber.onError(new IllegalStateException(
					"The client stream of " + this.call.method().key() + " can be subscribed to only once"));
			return;
		}
		subscriber.onSubscribe(new Subscription());
		this.subscriber = subscriber;
		drain();
	}

	/**
	 * Take an item from the client. Event loop.
	 * @param item the decoded item
	 */
	void onNext(Object item) {
		if (this.ended || this.cancelled) {
			return;
		}
		if (--this.outstanding < 0) {
			this.connection.responder().cancelInput(this.call);
			abort(new RpcException(RpcStatus.INTERNAL,
					"The client sent more items of " + this.call.method().key() + " than were requested"));
			return;
		}
		this.items.offer((item != null) ? item : NULL);
		drain();
	}

	/**
	 * End the input: normally ({@code null}) or with a failure. Any thread; only the
	 * first end counts.
	 * @param error the failure, or {@code null}
	 */
	void end(Throwable error) {
		if (this.ended) {
			return;
		}
		this.failure = error;
		this.ended = true;
		drain();
	}

	/**
	 * End the input with a failure at once: items that wait are dropped, so that the
	 * subscriber learns of the failure even if it requests nothing more. Any thread.
	 * @param error the failure
	 */
	void abort(Throwable error) {
		if (this.ended) {
			return;
		}
		this.failure = error;
		this.aborted = true;
		this.ended = true;
		drain();
	}

	/**
	 * The call is over: whatever the client still sends is dropped and the subscriber is
	 * not called again.
	 */
	void callEnded() {
		this.cancelled = true;
		this.items.clear();
	}

	// Stops the client's producer unless the input has ended already.
	private void stopClient() {
		if (!this.cancelled) {
			this.cancelled = true;
			if (!this.ended) {
				this.connection.responder().cancelInput(this.call);
			}
		}
	}

	private void grant(int n) {
		this.connection.responder().grantInput(this.call, n, this::credited);
	}

	// Event loop.
	private void credited(int n) {
		this.outstanding += n;
	}

	private void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		while (true) {
			Flow.Subscriber<? super Object> current = this.subscriber;
			if (current != null && !this.terminated) {
				if (this.cancelled || this.aborted) {
					this.items.clear();
				}
				Throwable invalid = this.invalidRequest;
				if (invalid != null && !this.cancelled) {
					this.terminated = true;
					stopClient();
					this.items.clear();
					current.onError(invalid);
				}
				else if (!this.cancelled) {
					long wanted = this.requested.get();
					long emitted = 0;
					while (emitted != wanted && !this.cancelled) {
						Object item = this.items.poll();
						if (item == null) {
							break;
						}
						current.onNext((item != NULL) ? item : null);
						emitted++;
						// Granted once the items have been handed over, so the client is
						// never more than one window ahead of what the method has taken.
						if (++this.consumedSinceGrant >= Math.max(1, this.window / 2) && !this.ended) {
							grant(this.consumedSinceGrant);
							this.consumedSinceGrant = 0;
						}
					}
					if (emitted != 0 && wanted != Long.MAX_VALUE) {
						this.requested.addAndGet(-emitted);
					}
					if (!this.cancelled && this.ended && this.items.isEmpty()) {
						this.terminated = true;
						Throwable error = this.failure;
						if (error == null) {
							current.onComplete();
						}
						else {
							current.onError(error);
						}
					}
				}
			}
			if (current != null && (this.cancelled || this.terminated)) {
				this.subscriber = null;
			}
			missed = this.work.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private final class Subscription implements Flow.Subscription {

		@Override
		public void request(long n) {
			if (n <= 0) {
				if (ServerInput.this.invalidRequest == null) {
					ServerInput.this.invalidRequest = new IllegalArgumentException(
							"Requested " + n + " items; must be positive");
				}
				drain();
				return;
			}
			ServerInput.this.requested.getAndAccumulate(n, (current, add) -> {
				long sum = current + add;
				return (sum < 0) ? Long.MAX_VALUE : sum;
			});
			if (ServerInput.this.creditStarted.compareAndSet(false, true) && !ServerInput.this.ended) {
				grant(ServerInput.this.window);
			}
			drain();
		}

		@Override
		public void cancel() {
			if (!ServerInput.this.cancelled) {
				stopClient();
				drain();
			}
		}

	}

}
