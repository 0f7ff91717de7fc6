package io.easyrpc.internal.client;

import io.easyrpc.RpcException;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.netty.buffer.ByteBuf;

/**
 * A call that a gateway forwards without decoding it: the request carries the encoded
 * arguments as they arrived, and what the server sends back (a result, stream items,
 * credit for the caller's items, a cancellation of them, an error) is handed to a
 * {@link Relay} as it is, payloads still encoded. The connection checks no credit for
 * such a call: the caller at the other end of the gateway grants it and checks it.
 * <p>
 * The future completes with {@code null} when the call ends: after
 * {@link Relay#onResponse(ByteBuf)}, on {@code COMPLETE}, or once a notification is
 * handed to the connection. It fails with an {@link RpcException} after
 * {@link Relay#onError(Frame.Error)} for an error the server sent, or without it for a
 * failure on this side (no connection, deadline, frame too large). Cancelling it cancels
 * the call on the server.
 * <p>
 * The router starts it for {@link CallOptions.Kind#FORWARD} and
 * {@link CallOptions.Kind#FORWARD_ONE_WAY} with the {@link #arguments(byte[], Relay)}
 * that carry its payload and relay.
 */
public final class ForwardedCall extends ClientCall {

	final byte[] payload;

	final Relay relay;

	// Guarded by this until the request is sent: what the caller sent meanwhile.
	private volatile ClientConnection sentOn;

	private long pendingCredit;

	private boolean inputEnded;

	private RpcException inputFailure;

	ForwardedCall(CallRouter router, CallOptions options, Object[] arguments, Metadata metadata, long deadlineNanos) {
		super(router, options, arguments, metadata, deadlineNanos);
		this.payload = (byte[]) arguments[0];
		this.relay = (Relay) arguments[1];
	}

	/**
	 * Return the arguments that start a forwarded call on a router.
	 * @param payload the encoded arguments, as received
	 * @param relay takes what the server sends back
	 * @return the arguments to pass to {@link CallRouter#start}
	 */
	public static Object[] arguments(byte[] payload, Relay relay) {
		return new Object[] { payload, relay };
	}

	/**
	 * Grant the server credit for more items of its stream, as the caller granted it. Any
	 * thread; credit granted before the request is sent follows the request.
	 * @param n the credit
	 */
	public void requestN(int n) {
		ClientConnection connection;
		synchronized (this) {
			connection = this.sentOn;
			if (connection == null) {
				this.pendingCredit = Math.min(Integer.MAX_VALUE, this.pendingCredit + n);
				return;
			}
		}
		connection.forwardRequestN(this, n);
	}

	/**
	 * Send an item of the caller's stream, encoded. Any thread. An item before the
	 * request is sent cannot be within credit and is dropped.
	 * @param item the encoded item
	 */
	public void next(byte[] item) {
		ClientConnection connection = this.sentOn;
		if (connection != null && !isDone()) {
			connection.forwardNext(this, item);
		}
	}

	/**
	 * End the caller's stream: normally, or with its failure. Any thread.
	 * @param failure the failure, or {@code null}
	 */
	public void endInput(RpcException failure) {
		ClientConnection connection;
		synchronized (this) {
			connection = this.sentOn;
			if (connection == null) {
				this.inputEnded = true;
				this.inputFailure = failure;
				return;
			}
		}
		connection.endUpload(this, failure);
	}

	// Event loop, once the request is written: what the caller sent meanwhile follows.
	void sent(ClientConnection connection) {
		long credit;
		boolean ended;
		RpcException failure;
		synchronized (this) {
			this.sentOn = connection;
			credit = this.pendingCredit;
			ended = this.inputEnded;
			failure = this.inputFailure;
		}
		if (credit > 0) {
			connection.forwardRequestN(this, (int) credit);
		}
		if (ended) {
			connection.endUpload(this, failure);
		}
	}

	/**
	 * Takes what the server sends for a forwarded call, on the connection's event loop.
	 * Payloads are readable only during the call. Implementations must not throw or
	 * block.
	 */
	public interface Relay {

		/**
		 * The result, before the call completes.
		 * @param payload the encoded result
		 */
		void onResponse(ByteBuf payload);

		/**
		 * An item of the server's stream.
		 * @param payload the encoded item
		 */
		void onNext(ByteBuf payload);

		/**
		 * The error the server sent, before the call fails with it.
		 * @param error the frame
		 */
		void onError(Frame.Error error);

		/**
		 * Credit from the server for more items of the caller's stream.
		 * @param n the credit
		 */
		void onRequestN(int n);

		/**
		 * The server wants no more items of the caller's stream; the call goes on.
		 */
		void onCancelInput();

	}

}
