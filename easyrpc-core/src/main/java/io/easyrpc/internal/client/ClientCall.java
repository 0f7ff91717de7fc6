package io.easyrpc.internal.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ValueType;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.internal.protocol.Metadata;
import io.netty.util.concurrent.Ticker;

/**
 * One outgoing call and the future of its result. Cancelling the future cancels the call
 * on the server too.
 */
public class ClientCall extends CompletableFuture<Object> {

	private static final VarHandle OBSERVATION_STOPPED;

	private static final VarHandle ENDED;

	static {
		try {
			OBSERVATION_STOPPED = MethodHandles.lookup()
				.findVarHandle(ClientCall.class, "observationStopped", boolean.class);
			ENDED = MethodHandles.lookup().findVarHandle(ClientCall.class, "ended", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final String method;

	final Object[] arguments;

	final ValueType[] argumentTypes;

	// Null when the arguments are sent by position.
	final String[] argumentNames;

	final ValueType resultType;

	final Metadata metadata;

	// On the clock of Ticker.systemTicker(), zero for none.
	final long deadlineNanos;

	final boolean oneWay;

	final CallRouter router;

	final Function<RpcException, Throwable> errorMapper;

	int callId;

	// Written on the event loop when the request is sent, read by a cancelling thread.
	volatile ClientConnection connection;

	ScheduledFuture<?> timer;

	CallObservation observation;

	// The session current when the call was started, or null.
	RpcSession session;

	// Null unless the call streams items to the server.
	ClientUpload upload;

	private volatile boolean observationStopped;

	// Stream items sent and received; each counter is written by one thread at a time.
	volatile long messagesSent;

	volatile long messagesReceived;

	// Null until the router hands the call to a subchannel.
	volatile Subchannel subchannel;

	// The hash of the routing key, if the call has one.
	long routingHash;

	boolean hasRoutingKey;

	// How often the call was sent again after an instance did not take it.
	int resends;

	private volatile boolean ended;

	// Whether the call carries an idempotency key and may be re-attached.
	boolean idempotent;

	// The channel's retry budget if the call may be retried, else null.
	RetryThrottle retries;

	// How often the call was retried after a failure.
	int attempts;

	ClientCall(CallRouter router, CallOptions options, Object[] arguments, Metadata metadata, long deadlineNanos) {
		this.router = router;
		this.errorMapper = options.errorMapper();
		this.method = options.method();
		this.arguments = arguments;
		this.argumentTypes = options.argumentTypes();
		this.argumentNames = options.argumentNames();
		this.resultType = options.resultType();
		this.metadata = metadata;
		this.deadlineNanos = deadlineNanos;
		this.oneWay = options.kind() == CallOptions.Kind.ONE_WAY || options.kind() == CallOptions.Kind.FORWARD_ONE_WAY;
	}

	// Counts the call against a subchannel until it ends, or moves to another one.
	void assign(Subchannel next) {
		Subchannel previous = this.subchannel;
		if (previous == next) {
			return;
		}
		next.callStarted();
		this.subchannel = next;
		if (previous != null) {
			previous.callEnded(RpcStatus.UNAVAILABLE);
		}
		if (isDone()) {
			ended(RpcStatus.CANCELLED);
		}
	}

	private void ended(RpcStatus status) {
		Subchannel current = this.subchannel;
		if (current != null && ENDED.compareAndSet(this, false, true)) {
			current.callEnded(status);
		}
		ClientConnection on = this.connection;
		if (on != null && on.isClosingWhenIdle()) {
			on.closeWhenIdle();
		}
	}

	long remainingNanos() {
		return (this.deadlineNanos != 0) ? this.deadlineNanos - Ticker.systemTicker().nanoTime() : Long.MAX_VALUE;
	}

	void fail(RpcStatus status, String message) {
		fail(new RpcException(status, message));
	}

	// The observation stops before the future completes, so that it has ended (its timer
	// recorded, its span finished) by the time the caller resumes.
	void fail(RpcException error) {
		if (isDone()) {
			return;
		}
		if (this.retries != null && this.router.retry(this, error)) {
			return;
		}
		// The observation records the exception the caller gets (a re-created application
		// exception rather than the RpcException that carried it).
		Throwable mapped = (this.errorMapper != null) ? this.errorMapper.apply(error) : error;
		Throwable failure = (mapped != null) ? mapped : error;
		stopObservation(error.getStatus(), failure);
		ended(error.getStatus());
		completeExceptionally(failure);
	}

	@Override
	public boolean complete(Object value) {
		if (isDone()) {
			return false;
		}
		stopObservation(RpcStatus.OK, null);
		ended(RpcStatus.OK);
		if (this.retries != null) {
			this.retries.succeeded();
		}
		return super.complete(value);
	}

	void deadlineExceeded() {
		fail(RpcStatus.DEADLINE_EXCEEDED,
				"Deadline of " + (this.metadata.timeoutMillis()) + " ms exceeded calling " + this.method);
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			stopObservation(RpcStatus.CANCELLED, null);
			ended(RpcStatus.CANCELLED);
			this.router.cancelled(this);
		}
		return cancelled;
	}

	// Exactly once, whichever of completion, failure and cancellation comes first.
	private void stopObservation(RpcStatus status, Throwable error) {
		CallObservation current = this.observation;
		if (current != null && OBSERVATION_STOPPED.compareAndSet(this, false, true)) {
			if (this instanceof ClientStream || this.upload != null) {
				current.messages(this.messagesSent, this.messagesReceived);
			}
			current.stop(status, error);
		}
	}

}
