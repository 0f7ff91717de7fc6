package io.easyrpc.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ValueType;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.protocol.Metadata;

/**
 * One outgoing call and the future of its result. Cancelling the future cancels the call
 * on the server too.
 */
final class ClientCall extends CompletableFuture<Object> {

	final String method;

	final Object[] arguments;

	final ValueType[] argumentTypes;

	final ValueType resultType;

	final Metadata metadata;

	final long deadlineNanos;

	final boolean oneWay;

	final RpcChannel channel;

	final Function<RpcException, Throwable> errorMapper;

	int callId;

	// Written on the event loop when the request is sent, read by a cancelling thread.
	volatile ClientConnection connection;

	ScheduledFuture<?> timer;

	CallObservation observation;

	ClientCall(RpcChannel channel, String method, Object[] arguments, ValueType[] argumentTypes, ValueType resultType,
			Metadata metadata, long deadlineNanos, boolean oneWay, Function<RpcException, Throwable> errorMapper) {
		this.channel = channel;
		this.errorMapper = errorMapper;
		this.method = method;
		this.arguments = arguments;
		this.argumentTypes = argumentTypes;
		this.resultType = resultType;
		this.metadata = metadata;
		this.deadlineNanos = deadlineNanos;
		this.oneWay = oneWay;
	}

	long remainingNanos() {
		return (this.deadlineNanos != 0) ? this.deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
	}

	void fail(RpcStatus status, String message) {
		fail(new RpcException(status, message));
	}

	void fail(RpcException error) {
		Throwable mapped = (this.errorMapper != null) ? this.errorMapper.apply(error) : error;
		if (completeExceptionally((mapped != null) ? mapped : error) && this.observation != null) {
			this.observation.stop(error.getStatus(), error);
		}
	}

	@Override
	public boolean complete(Object value) {
		boolean completed = super.complete(value);
		if (completed && this.observation != null) {
			this.observation.stop(RpcStatus.OK, null);
		}
		return completed;
	}

	void deadlineExceeded() {
		fail(RpcStatus.DEADLINE_EXCEEDED,
				"Deadline of " + (this.metadata.timeoutMillis()) + " ms exceeded calling " + this.method);
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			if (this.observation != null) {
				this.observation.stop(RpcStatus.CANCELLED, null);
			}
			this.channel.cancelled(this);
		}
		return cancelled;
	}

}
