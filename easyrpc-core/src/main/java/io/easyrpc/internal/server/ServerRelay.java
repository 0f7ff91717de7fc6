package io.easyrpc.internal.server;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.ContextAccess;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerInvocation;
import io.easyrpc.server.Forwarding;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call that a gateway route forwards: pipes the caller's frames to the target's
 * {@link Forwarding.Call} and the target's answers back to the caller, payloads encoded
 * as they are. Neither side's call style is known here, so every frame of the call
 * passes: credit, items and their end in both directions, cancellation, the outcome.
 * <p>
 * The server's middleware runs once, on a worker, before the call is forwarded; what the
 * caller sends meanwhile waits here and follows the request.
 */
final class ServerRelay implements Forwarding.Listener {

	private static final ContextAccess CONTEXTS = ContextAccess.get();

	private static final Logger logger = LoggerFactory.getLogger(ServerRelay.class);

	private static final Object[] NO_ARGUMENTS = new Object[0];

	private static final Method FORWARD;

	static {
		try {
			FORWARD = Forwarded.class.getMethod("forward");
		}
		catch (NoSuchMethodException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final ServerConnection connection;

	private final ServerRuntime server;

	private final int callId;

	private final ServerRuntime.Route route;

	private final Forwarding.Request request;

	private final RpcContext context;

	private final @Nullable CallObservation observation;

	private final AtomicBoolean finished = new AtomicBoolean();

	// Guarded by this until the call is opened.
	private Forwarding.@Nullable Call call;

	private long pendingCredit;

	// Items of the caller's stream that overtook the opening on a worker: the target's
	// credit can reach the caller before the worker has recorded the opened call.
	private @Nullable List<byte[]> pendingItems;

	private boolean inputEnded;

	private @Nullable RpcException inputFailure;

	private boolean cancelled;

	// Completed when the call ends, for middleware that chains on the outcome; null
	// without middleware.
	private volatile @Nullable CompletableFuture<@Nullable Object> outcome;

	ServerRelay(ServerConnection connection, int callId, ServerRuntime.Route route, Forwarding.Request request,
			RpcContext context, @Nullable CallObservation observation) {
		this.connection = connection;
		this.server = connection.server();
		this.callId = callId;
		this.route = route;
		this.request = request;
		this.context = context;
		this.observation = observation;
	}

	int callId() {
		return this.callId;
	}

	boolean isNotification() {
		return this.callId < 0;
	}

	/**
	 * Forward the call: at once without middleware, else on a worker once the middleware
	 * let it through. Event loop.
	 */
	void start() {
		this.server.forwardStarted();
		if (this.server.middleware().length == 0) {
			open();
			return;
		}
		this.outcome = new CompletableFuture<>();
		try {
			this.server.executor().execute(this::runMiddleware);
		}
		catch (RejectedExecutionException ex) {
			this.server.rejected(this.context.methodKey(), "executor-saturated");
			failCaller(new RpcException(RpcStatus.RESOURCE_EXHAUSTED,
					"Server is overloaded: no worker available for " + this.context.methodKey()));
		}
	}

	private void runMiddleware() {
		RpcContext previous = CONTEXTS.attach(this.context);
		CallObservation.Scope scope = (this.observation != null) ? this.observation.openScope() : null;
		Invocation invocation = new Invocation(this.server.middleware());
		try {
			invocation.proceed();
			if (!invocation.opened) {
				failCaller(new RpcException(RpcStatus.INTERNAL, "A middleware answered the forwarded call "
						+ this.context.methodKey() + " without calling proceed(); it can only refuse it by throwing"));
			}
		}
		catch (Throwable ex) {
			if (!invocation.opened) {
				failCaller(this.server.exceptionMapper().map(ex, null));
			}
			else {
				logger.debug("A middleware failed after forwarding {}", LogSafe.text(this.context.methodKey()), ex);
			}
		}
		finally {
			if (scope != null) {
				scope.close();
			}
			CONTEXTS.restore(previous);
		}
	}

	// Opens the call on the target and hands it what the caller sent meanwhile.
	private @Nullable CompletableFuture<@Nullable Object> open() {
		synchronized (this) {
			if (this.cancelled) {
				return this.outcome;
			}
		}
		Forwarding.Call opened;
		try {
			opened = this.route.target().open(this.request, isNotification() ? null : this);
		}
		catch (RuntimeException ex) {
			failed(new RpcException(RpcStatus.INTERNAL, ex.getMessage(), ex));
			return this.outcome;
		}
		if (isNotification()) {
			finish(RpcStatus.OK, null);
			return this.outcome;
		}
		long credit;
		boolean ended;
		RpcException failure;
		boolean cancel;
		synchronized (this) {
			this.call = opened;
			credit = this.pendingCredit;
			ended = this.inputEnded;
			failure = this.inputFailure;
			cancel = this.cancelled;
			if (this.pendingItems != null && !cancel) {
				// Under the lock, so that items arriving now follow these.
				this.pendingItems.forEach(opened::next);
			}
			this.pendingItems = null;
		}
		if (cancel) {
			opened.cancel();
			return this.outcome;
		}
		if (credit > 0) {
			opened.requestN((int) credit);
		}
		if (ended) {
			opened.endInput(failure);
		}
		return this.outcome;
	}

	// What the caller sends, on the event loop of its connection.

	void callerRequestN(int n) {
		Forwarding.Call current;
		synchronized (this) {
			current = this.call;
			if (current == null) {
				this.pendingCredit = Math.min(Integer.MAX_VALUE, this.pendingCredit + n);
				return;
			}
		}
		current.requestN(n);
	}

	void callerNext(ByteBuf payload) {
		ProcessorChain processors = this.server.processors();
		ByteBuf item = processors.isEmpty() ? payload : processors.inbound(
				new MessageInfo(MessageInfo.Kind.REQUEST, this.context.methodKey(), this.connection.peer()), payload);
		byte[] bytes = new byte[item.readableBytes()];
		item.getBytes(item.readerIndex(), bytes);
		Forwarding.Call current;
		synchronized (this) {
			current = this.call;
			if (current == null) {
				if (!this.cancelled) {
					if (this.pendingItems == null) {
						this.pendingItems = new ArrayList<>();
					}
					this.pendingItems.add(bytes);
				}
				return;
			}
		}
		current.next(bytes);
	}

	void endInput(@Nullable RpcException failure) {
		Forwarding.Call current;
		synchronized (this) {
			current = this.call;
			if (current == null) {
				this.inputEnded = true;
				this.inputFailure = failure;
				return;
			}
		}
		current.endInput(failure);
	}

	/**
	 * The caller cancelled, or its connection closed: cancel the call on the target.
	 * @param deadlinePassed whether the caller gave up because its deadline passed
	 */
	void cancel(boolean deadlinePassed) {
		this.context.cancel();
		Forwarding.Call current;
		synchronized (this) {
			this.cancelled = true;
			current = this.call;
		}
		if (current != null) {
			current.cancel();
		}
		finish(deadlinePassed ? RpcStatus.DEADLINE_EXCEEDED : RpcStatus.CANCELLED, null);
	}

	// What the target sends, on the event loop of the target connection.

	@Override
	public void response(ByteBuf payload) {
		if (!end(RpcStatus.OK, null)) {
			return;
		}
		ByteBuf frame;
		try {
			frame = FrameCodec.encodeResponse(this.connection.channel().alloc(), this.callId, outbound(payload));
		}
		catch (Exception ex) {
			sendError(encodingFailure(ex));
			return;
		}
		if (!this.connection.sendWithinPeerLimit(frame)) {
			sendError(new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "The result of " + this.context.methodKey()
					+ " is more than the client's maximum frame size of " + this.connection.peerMaxFrameSize()));
		}
	}

	@Override
	public void next(ByteBuf payload) {
		if (!this.connection.responder().isRelaying(this)) {
			return;
		}
		ByteBuf frame;
		try {
			frame = FrameCodec.encodeNext(this.connection.channel().alloc(), this.callId, outbound(payload));
		}
		catch (Exception ex) {
			abort(encodingFailure(ex));
			return;
		}
		if (!this.connection.sendWithinPeerLimit(frame)) {
			abort(new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "An item of " + this.context.methodKey()
					+ " is more than the client's maximum frame size of " + this.connection.peerMaxFrameSize()));
		}
	}

	@Override
	public void complete() {
		if (end(RpcStatus.OK, null)) {
			this.connection.send(FrameCodec.encodeComplete(this.connection.channel().alloc(), this.callId));
		}
	}

	@Override
	public void error(int statusCode, @Nullable String message, @Nullable String errorClass,
			@Nullable String stackTrace) {
		RpcException error = new RpcException(RpcStatus.fromCode(statusCode), message, errorClass, stackTrace, null);
		if (end(error.getStatus(), error)) {
			this.connection.sendError(this.callId, error);
		}
	}

	@Override
	public void failed(RpcException failure) {
		RpcException error = new RpcException(
				failure.getStatus(), "Cannot forward " + this.context.methodKey() + " through " + this.route.describe()
						+ ": " + failure.getDescription(),
				failure.getRemoteClassName(), failure.getRemoteStackTrace(), null);
		if (end(error.getStatus(), error)) {
			this.connection.sendError(this.callId, error);
		}
	}

	@Override
	public void requestN(int n) {
		if (this.connection.responder().isRelaying(this)) {
			this.connection.send(FrameCodec.encodeRequestN(this.connection.channel().alloc(), this.callId, n));
		}
	}

	@Override
	public void cancelInput() {
		if (this.connection.responder().isRelaying(this)) {
			this.connection
				.send(FrameCodec.encodeCancel(this.connection.channel().alloc(), this.callId, RpcStatus.CANCELLED));
		}
	}

	private PayloadWriter outbound(ByteBuf payload) throws java.io.IOException {
		PayloadWriter writer = (packer) -> {
			if (payload.hasArray()) {
				packer.writePayload(payload.array(), payload.arrayOffset() + payload.readerIndex(),
						payload.readableBytes());
			}
			else {
				byte[] bytes = new byte[payload.readableBytes()];
				payload.getBytes(payload.readerIndex(), bytes);
				packer.writePayload(bytes);
			}
		};
		ProcessorChain processors = this.server.processors();
		return processors.isEmpty() ? writer : processors.outbound(
				new MessageInfo(MessageInfo.Kind.RESPONSE, this.context.methodKey(), this.connection.peer()), writer);
	}

	private RpcException encodingFailure(Exception ex) {
		return (ex instanceof RpcException rpc) ? rpc : new RpcException(RpcStatus.INTERNAL,
				"Cannot pass on the answer of " + this.context.methodKey() + ": " + ex.getMessage());
	}

	// Ends the call here and on the target, telling the caller why.
	private void abort(RpcException error) {
		Forwarding.Call current;
		synchronized (this) {
			current = this.call;
		}
		if (current != null) {
			current.cancel();
		}
		sendError(error);
	}

	private void sendError(RpcException error) {
		if (end(error.getStatus(), error)) {
			this.connection.sendError(this.callId, error);
		}
	}

	// A failure before the call was forwarded: the middleware refused it, or no worker.
	private void failCaller(RpcException error) {
		sendError(error);
	}

	// Ends the call once; true if the caller is to be told, false if it has ended already
	// (for instance cancelled by the caller, who then expects nothing more) or is a
	// notification, which is never answered.
	private boolean end(RpcStatus status, @Nullable Throwable error) {
		if (isNotification()) {
			finish(status, error);
			return false;
		}
		if (!this.connection.responder().relayEnded(this)) {
			return false;
		}
		return finish(status, error);
	}

	private boolean finish(RpcStatus status, @Nullable Throwable error) {
		if (!this.finished.compareAndSet(false, true)) {
			return false;
		}
		if (this.observation != null) {
			this.observation.stop(status, error);
		}
		this.server.forwardFinished();
		CompletableFuture<@Nullable Object> current = this.outcome;
		if (current != null) {
			if (error != null) {
				current.completeExceptionally(error);
			}
			else {
				current.complete(null);
			}
		}
		return true;
	}

	/**
	 * The stand-in for the method of a forwarded call that middleware sees.
	 */
	interface Forwarded {

		/**
		 * Forward the call.
		 */
		void forward();

	}

	/**
	 * The server's middleware around a forwarded call; the end of the chain forwards it.
	 */
	private final class Invocation implements ServerInvocation, RpcMiddleware.Chain {

		private final RpcMiddleware[] middleware;

		private int next;

		private volatile boolean opened;

		Invocation(RpcMiddleware[] middleware) {
			this.middleware = middleware;
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			int index = this.next++;
			if (index < this.middleware.length) {
				return this.middleware[index].invoke(this, this);
			}
			if (index > this.middleware.length) {
				throw new RpcException(RpcStatus.INTERNAL,
						"A middleware of " + methodKey() + " called proceed() twice");
			}
			this.opened = true;
			return open();
		}

		@Override
		public String methodKey() {
			return ServerRelay.this.context.methodKey();
		}

		@Override
		public Method method() {
			return FORWARD;
		}

		@Override
		public Object service() {
			return ServerRelay.this.route.target();
		}

		@Override
		public @Nullable Object[] arguments() {
			return NO_ARGUMENTS;
		}

		@Override
		public RpcContext context() {
			return ServerRelay.this.context;
		}

		@Override
		public boolean isOneWay() {
			return isNotification();
		}

		@Override
		public boolean isForwarded() {
			return true;
		}

	}

	/**
	 * Create the gateway's own session for a caller's session, current nowhere.
	 * @return the session
	 */
	static RpcSession newSession() {
		return CONTEXTS.newClientSession();
	}

}
