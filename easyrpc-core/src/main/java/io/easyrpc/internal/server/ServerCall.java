package io.easyrpc.internal.server;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import com.netflix.concurrency.limits.Limiter;
import io.easyrpc.internal.ContextAccess;
import io.easyrpc.server.ServerMethod;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerInvocation;
import io.easyrpc.internal.protocol.ReactorSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call being served: runs the method with its {@link RpcContext} and reports the
 * outcome to the connection exactly once.
 */
final class ServerCall implements Runnable {

	private static final ContextAccess CONTEXTS = ContextAccess.get();

	private static final Logger logger = LoggerFactory.getLogger(ServerCall.class);

	private final ServerConnection connection;

	private final int callId;

	private final ServerMethod method;

	private final MethodInvoker invoker;

	private final Object[] arguments;

	private final RpcContext context;

	private final CallObservation observation;

	private volatile boolean deadlinePassed;

	// Stream items sent and received; each counter is written by one thread at a time.
	private volatile long messagesSent;

	private volatile long messagesReceived;

	// Null unless the method is a server stream.
	private final ServerStream stream;

	ServerCall(ServerConnection connection, int callId, ServerMethod method, MethodInvoker invoker, Object[] arguments,
			RpcContext context, CallObservation observation) {
		this.connection = connection;
		this.observation = observation;
		this.callId = callId;
		this.method = method;
		this.invoker = invoker;
		this.arguments = arguments;
		this.context = context;
		this.stream = (callId >= 0 && method.callStyle().isStreaming())
				? new ServerStream(connection, this, connection.server().executor()) : null;
	}

	// Null unless the method takes a client stream; set before the call is dispatched.
	private volatile ServerInput input;

	// The entry of a call de-duplicated by its idempotency key, else null; set before
	// the call is dispatched.
	private DedupStore.Entry shared;

	DedupStore.Entry shared() {
		return this.shared;
	}

	void shared(DedupStore.Entry shared) {
		this.shared = shared;
	}

	// The slot under the server-wide concurrency limit; null for calls it does not count.
	private Limiter.@Nullable Listener limitSlot;

	void limitSlot(Limiter.@Nullable Listener slot) {
		this.limitSlot = slot;
	}

	void messageSent() {
		this.messagesSent++;
	}

	void messageReceived() {
		this.messagesReceived++;
	}

	ServerInput input() {
		return this.input;
	}

	void input(ServerInput input) {
		this.input = input;
	}

	ServerStream stream() {
		return this.stream;
	}

	int callId() {
		return this.callId;
	}

	ServerMethod method() {
		return this.method;
	}

	RpcContext context() {
		return this.context;
	}

	boolean isNotification() {
		return this.callId < 0;
	}

	void cancel() {
		cancel(false);
	}

	/**
	 * Cancel the call.
	 * @param deadlinePassed whether the client gave up because its deadline passed, so
	 * that the call is recorded as {@code DEADLINE_EXCEEDED} even if the server's own
	 * deadline, which starts a little later, has not passed yet
	 */
	void cancel(boolean deadlinePassed) {
		if (deadlinePassed) {
			this.deadlinePassed = true;
		}
		this.context.cancel();
		// The output first: once the input has failed, a channel's output may only end
		// with that failure, and its subscriber may not cancel it (rule 2.3).
		if (this.stream != null) {
			this.stream.cancel();
		}
		ServerInput current = this.input;
		if (current != null) {
			current.abort(deadlinePassed ? new RpcException(RpcStatus.DEADLINE_EXCEEDED, "Deadline passed")
					: new RpcException(RpcStatus.CANCELLED, "The client cancelled the call"));
		}
	}

	@Override
	public void run() {
		if (this.context.isCancelled()) {
			finish(null, new RpcException(RpcStatus.CANCELLED, "Call cancelled before it started"));
			return;
		}
		long deadline = this.context.deadlineNanos();
		if (deadline != 0 && System.nanoTime() - deadline >= 0) {
			finish(null, new RpcException(RpcStatus.DEADLINE_EXCEEDED, "Deadline passed before the call started"));
			return;
		}
		Object result = null;
		Throwable failure = null;
		RpcContext previous = CONTEXTS.attach(this.context);
		CallObservation.Scope scope = (this.observation != null) ? this.observation.openScope() : null;
		try {
			RpcMiddleware[] global = this.connection.server().middleware();
			RpcMiddleware[] local = this.invoker.middleware();
			result = (global.length == 0 && local.length == 0) ? this.invoker.invoke(this.arguments)
					: new Invocation(global, local).proceed();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			if (scope != null) {
				scope.close();
			}
			CONTEXTS.restore(previous);
		}
		if (failure != null) {
			finish(null, failure);
			return;
		}
		switch (this.method.callStyle()) {
			case FUTURE -> {
				if (result != null && !(result instanceof CompletionStage)) {
					finish(null,
							new RpcException(RpcStatus.INTERNAL,
									"Method " + this.method.key() + " (or a middleware around it) returned a "
											+ result.getClass().getName() + " instead of a CompletionStage"));
					return;
				}
				whenComplete((CompletionStage<?>) result);
			}
			case MONO -> whenComplete((result != null) ? ReactorSupport.toFuture(result) : null);
			case FLUX, PUBLISHER, STREAM, ITERATOR -> {
				if (this.stream != null) {
					this.stream.start(result);
				}
				else {
					if (result instanceof AutoCloseable closeable) {
						try {
							closeable.close();
						}
						catch (Exception ex) {
							logger.debug("Cannot close the stream of {}", this.method.key(), ex);
						}
					}
					finish(null, new RpcException(RpcStatus.INVALID_ARGUMENT,
							"Method " + this.method.key() + " is a server stream and cannot answer a notification"));
				}
			}
			default -> finish(result, null);
		}
	}

	// The client cancels a call when its deadline passes; report that as what it is.
	private RpcStatus cancelledStatus() {
		long deadline = this.context.deadlineNanos();
		return (this.deadlinePassed || (deadline != 0 && System.nanoTime() - deadline >= 0))
				? RpcStatus.DEADLINE_EXCEEDED : RpcStatus.CANCELLED;
	}

	private void whenComplete(CompletionStage<?> stage) {
		if (stage == null) {
			finish(null, new RpcException(RpcStatus.INTERNAL,
					"Method " + this.method.key() + " returned null instead of a " + this.method.callStyle()));
			return;
		}
		stage.whenComplete(this::finish);
	}

	// Runs on the thread that produced the outcome, so that exception resolvers (user
	// code) and logging stay off the I/O thread unless the method itself ran there.
	void finish(Object result, Throwable failure) {
		ServerInput current = this.input;
		if (current != null) {
			current.callEnded();
		}
		try {
			RpcException error = (failure != null)
					? this.connection.server().exceptionMapper().map(failure, this.method) : null;
			Limiter.Listener slot = this.limitSlot;
			if (this.observation != null || slot != null) {
				RpcStatus status = (error != null) ? error.getStatus()
						: this.context.isCancelled() ? cancelledStatus() : RpcStatus.OK;
				if (slot != null) {
					this.limitSlot = null;
					ServerLimiter.release(slot, status);
				}
				if (this.observation != null) {
					if (this.method.callStyle().isStreaming() || this.method.streamParameter() >= 0) {
						this.observation.messages(this.messagesSent, this.messagesReceived);
					}
					this.observation.stop(status, failure);
				}
			}
			// The method's concurrency slot is free before the answer leaves, so that a
			// caller's next call cannot find it still taken.
			this.invoker.release();
			if (!isNotification()) {
				this.connection.responder().complete(this, result, error);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Cannot complete easyrpc call {} to {}", this.callId, this.method.key(), ex);
		}
		finally {
			this.connection.server().callFinished(this);
		}
	}

	/**
	 * The middleware chain of one call: the server's middleware, then the service's, then
	 * the method.
	 */
	private final class Invocation implements ServerInvocation, RpcMiddleware.Chain {

		private final RpcMiddleware[] global;

		private final RpcMiddleware[] local;

		private int next;

		Invocation(RpcMiddleware[] global, RpcMiddleware[] local) {
			this.global = global;
			this.local = local;
		}

		@Override
		public Object proceed() throws Throwable {
			int index = this.next++;
			if (index < this.global.length) {
				return this.global[index].invoke(this, this);
			}
			index -= this.global.length;
			if (index < this.local.length) {
				return this.local[index].invoke(this, this);
			}
			if (index > this.local.length) {
				throw new RpcException(RpcStatus.INTERNAL,
						"A middleware of " + methodKey() + " called proceed() twice");
			}
			return ServerCall.this.invoker.invoke(ServerCall.this.arguments);
		}

		@Override
		public String methodKey() {
			return ServerCall.this.method.key();
		}

		@Override
		public Method method() {
			return ServerCall.this.method.method();
		}

		@Override
		public Object service() {
			return ServerCall.this.method.target();
		}

		@Override
		public Object[] arguments() {
			return ServerCall.this.arguments;
		}

		@Override
		public RpcContext context() {
			return ServerCall.this.context;
		}

		@Override
		public boolean isOneWay() {
			return isNotification();
		}

	}

}
