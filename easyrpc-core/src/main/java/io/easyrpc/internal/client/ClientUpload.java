package io.easyrpc.internal.client;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ValueType;

/**
 * The client's side of a client stream or channel: subscribes to the caller's publisher
 * once the request is sent, and asks it for exactly the items that the server's
 * {@code REQUEST_N} frames allow, so that it never runs ahead of the server's credit.
 * Each item is sent as a {@code NEXT} frame on the thread that emitted it; the end of the
 * publisher is sent as {@code COMPLETE}, or as {@code ERROR} with
 * {@link RpcStatus#CANCELLED} if it failed. The subscription is cancelled when the call
 * ends, or when the server sends {@code CANCEL} because it wants no more items.
 */
public final class ClientUpload implements Flow.Subscriber<Object> {

	private final Flow.Publisher<Object> publisher;

	final ValueType itemType;

	private ClientCall call;

	private volatile ClientConnection connection;

	private Flow.Subscription subscription;

	// Credit that arrived before the subscription.
	private long pendingCredit;

	// Items the publisher was asked for and has not sent yet.
	private final AtomicLong allowed = new AtomicLong();

	private volatile boolean stopped;

	/**
	 * Create the upload of one call's stream argument.
	 * @param publisher the items
	 * @param itemType the declared item type
	 */
	public ClientUpload(Flow.Publisher<Object> publisher, ValueType itemType) {
		this.publisher = publisher;
		this.itemType = itemType;
	}

	void attach(ClientCall call) {
		this.call = call;
		call.whenComplete((result, failure) -> stop());
	}

	/**
	 * Subscribe to the publisher. Event loop, once the request is sent.
	 * @param connection the connection the call runs on
	 */
	void start(ClientConnection connection) {
		this.connection = connection;
		if (this.stopped) {
			return;
		}
		try {
			this.publisher.subscribe(this);
		}
		catch (Throwable ex) {
			onError(ex);
		}
	}

	/**
	 * Credit from the server's {@code REQUEST_N}. Event loop.
	 * @param n the credit
	 */
	void credit(int n) {
		Flow.Subscription current;
		synchronized (this) {
			current = this.subscription;
			if (current == null) {
				this.pendingCredit += n;
				return;
			}
		}
		request(current, n);
	}

	private void request(Flow.Subscription current, long n) {
		if (!this.stopped && n > 0) {
			this.allowed.addAndGet(n);
			current.request(n);
		}
	}

	/**
	 * Stop sending: the call ended, or the server cancelled the stream. Any thread.
	 */
	void stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		Flow.Subscription current;
		synchronized (this) {
			current = this.subscription;
		}
		if (current != null) {
			current.cancel();
		}
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		Objects.requireNonNull(subscription, "subscription");
		long credit;
		synchronized (this) {
			if (this.subscription != null) {
				subscription.cancel();
				return;
			}
			this.subscription = subscription;
			credit = this.pendingCredit;
			this.pendingCredit = 0;
		}
		if (this.stopped) {
			subscription.cancel();
			return;
		}
		request(subscription, credit);
	}

	@Override
	public void onNext(Object item) {
		if (item == null) {
			// Rule 2.13: the subscription counts as cancelled, and the call ends instead
			// of waiting for items that will not come.
			if (!this.stopped) {
				stop();
				this.call.fail(new RpcException(RpcStatus.INTERNAL, "The publisher of the stream argument of "
						+ this.call.method + " sent a null item, which Reactive Streams forbids"));
				this.call.router.cancelled(this.call);
			}
			throw new NullPointerException("item");
		}
		if (this.stopped) {
			return;
		}
		if (this.allowed.decrementAndGet() < 0) {
			stop();
			this.call.fail(new RpcException(RpcStatus.INTERNAL, "The publisher of the stream argument of "
					+ this.call.method + " sent more items than were requested"));
			this.call.router.cancelled(this.call);
			return;
		}
		try {
			this.connection.sendUploadItem(this.call, this, item);
		}
		catch (RpcException ex) {
			stop();
			this.call.fail(ex);
			this.call.router.cancelled(this.call);
		}
	}

	@Override
	public void onError(Throwable failure) {
		Objects.requireNonNull(failure, "failure");
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		this.connection.endUpload(this.call, new RpcException(RpcStatus.CANCELLED,
				"The client's stream failed: " + failure.getClass().getName() + ": " + failure.getMessage()));
	}

	@Override
	public void onComplete() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		this.connection.endUpload(this.call, null);
	}

}
