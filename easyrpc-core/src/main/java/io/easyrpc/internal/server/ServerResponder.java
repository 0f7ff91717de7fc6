package io.easyrpc.internal.server;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.ReactorSupport;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.LocalPeers;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder of one server connection: checks and dispatches the calls and
 * notifications the peer sends, keeps the calls in flight and their client streams, and
 * the connection's sessions. Frames arrive on the event loop; a call completes on
 * whichever thread finishes it, which then encodes and sends its outcome through the
 * {@link ServerConnection}.
 */
final class ServerResponder {

	// The lines it logs are the connection's: they keep its category.
	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private final ServerConnection connection;

	private final ServerRuntime server;

	private final String transport;

	// Added on the event loop; removed there on cancel and by whichever thread completes
	// the call, which then encodes and sends the outcome itself.
	private final Map<Integer, ServerCall> inFlight = new ConcurrentHashMap<>();

	private final ConnectionSessions sessions;

	ServerResponder(ServerConnection connection, ServerRuntime server, String transport) {
		this.connection = connection;
		this.server = server;
		this.transport = transport;
		this.sessions = new ConnectionSessions(server, connection);
	}

	/**
	 * Return the number of open sessions.
	 * @return the value
	 */
	int sessionCount() {
		return this.sessions.count();
	}

	/**
	 * Return whether no call is in flight.
	 * @return {@code true} if none is
	 */
	boolean isIdle() {
		return this.inFlight.isEmpty();
	}

	void onRequest(Frame.Request request) {
		int callId = request.callId();
		ServerMethod method = this.server.registry().lookup(request.method());
		CallObservation observation = this.server.observe(request.method(), this.connection.peer(),
				request.metadata().headers(), false, method != null && method.callStyle().isStreaming(),
				method != null && method.streamParameter() >= 0, this.transport);
		if (this.server.isRefusingCalls()) {
			refuse(callId, observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down",
					Frame.Error.NOT_STARTED, null, null));
			return;
		}
		if (method == null) {
			refuse(callId, observation, new RpcException(RpcStatus.NOT_FOUND, "No method '" + request.method()
					+ "' on this server (" + Reflection.DESCRIBE_KEY + " lists them)"));
			return;
		}
		if (this.inFlight.containsKey(callId)) {
			refuse(callId, observation,
					new RpcException(RpcStatus.INVALID_ARGUMENT, "Call id " + callId + " is already in use"));
			return;
		}
		MethodInvoker invoker = MethodInvoker.of(method);
		Object[] arguments;
		ServerSession session;
		try {
			session = this.sessions.get(method, request.metadata().sessionId());
			arguments = admit(method, invoker, request.payload(), MessageInfo.Kind.REQUEST);
		}
		catch (RpcException ex) {
			logger.debug("Refusing call to {} from {}: {}", method.key(), this.connection.remoteAddress(),
					ex.getMessage());
			refuse(callId, observation, ex);
			return;
		}
		ServerCall call = new ServerCall(this.connection, callId, method, invoker, arguments,
				context(method, request.metadata(), session), observation);
		if (method.streamParameter() >= 0) {
			ServerInput input = new ServerInput(this.connection, call, this.server.streamWindow());
			call.input(input);
			arguments[method.streamParameter()] = method.streamParameterIsFlux() ? ReactorSupport.toFlux(input) : input;
		}
		this.inFlight.put(callId, call);
		this.server.dispatch(call);
	}

	// The checks every call passes before it is dispatched, cheapest first. The slot of a
	// method with a concurrency limit is taken last, so that a call refused for another
	// reason does not hold it; ServerCall gives it back when the call is over.
	private Object[] admit(ServerMethod method, MethodInvoker invoker, ByteBuf payload, MessageInfo.Kind kind) {
		if (method.options().localOnly() && !LocalPeers.isLocal(this.connection.remoteAddress())) {
			this.server.rejected(method.key(), "local-only");
			throw new RpcException(RpcStatus.PERMISSION_DENIED,
					"Method " + method.key() + " answers only callers on the same host");
		}
		ProcessorChain processors = this.server.processors();
		ByteBuf arguments = processors.isEmpty() ? payload
				: processors.inbound(new MessageInfo(kind, method.key(), this.connection.peer()), payload);
		Object[] decoded = invoker.decodeArguments(arguments, this.server.codec());
		if (!invoker.tryAcquire()) {
			this.server.rejected(method.key(), "max-concurrency");
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Method " + method.key() + " allows at most "
					+ method.options().maxConcurrency() + " concurrent calls");
		}
		return decoded;
	}

	private void refuse(int callId, @Nullable CallObservation observation, RpcException error) {
		if (observation != null) {
			observation.stop(error.getStatus(), error);
		}
		this.connection.sendError(callId, error);
	}

	void onNotification(Frame.Notification notification) {
		if (RpcSession.END_METHOD.equals(notification.method())) {
			this.sessions.end(notification.metadata().sessionId());
			return;
		}
		CallObservation observation = this.server.observe(notification.method(), this.connection.peer(),
				notification.metadata().headers(), true, false, false, this.transport);
		if (this.server.isRefusingCalls()) {
			refuse(observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down"));
			return;
		}
		ServerMethod method = this.server.registry().lookup(notification.method());
		if (method == null) {
			logger.warn("Dropping notification from {} to unknown method '{}'", this.connection.remoteAddress(),
					notification.method());
			refuse(observation,
					new RpcException(RpcStatus.NOT_FOUND, "No method '" + notification.method() + "' on this server"));
			return;
		}
		if (method.streamParameter() >= 0) {
			logger.warn("Dropping notification from {} to {}, which takes a client stream",
					this.connection.remoteAddress(), method.key());
			refuse(observation, new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Method " + method.key() + " takes a client stream and cannot answer a notification"));
			return;
		}
		MethodInvoker invoker = MethodInvoker.of(method);
		Object[] arguments;
		ServerSession session;
		try {
			session = this.sessions.get(method, notification.metadata().sessionId());
			arguments = admit(method, invoker, notification.payload(), MessageInfo.Kind.NOTIFICATION);
		}
		catch (RpcException ex) {
			logger.warn("Dropping notification from {}: {}", this.connection.remoteAddress(), ex.getMessage());
			refuse(observation, ex);
			return;
		}
		this.server.dispatch(new ServerCall(this.connection, -1, method, invoker, arguments,
				context(method, notification.metadata(), session), observation));
	}

	private static void refuse(@Nullable CallObservation observation, RpcException error) {
		if (observation != null) {
			observation.stop(error.getStatus(), error);
		}
	}

	private RpcContext context(ServerMethod method, Metadata metadata, @Nullable ServerSession session) {
		long deadline = (metadata.timeoutMillis() > 0) ? System.nanoTime() + metadata.timeoutMillis() * 1_000_000L : 0;
		SocketAddress peer = this.connection.remoteAddress();
		return new RpcContext(method.key(), peer, metadata.headers(), deadline, metadata.sessionId(),
				metadata.idempotencyKey(), session);
	}

	void onCancel(Frame.Cancel cancel) {
		ServerCall call = this.inFlight.remove(cancel.callId());
		if (call != null) {
			call.cancel(cancel.reason() == RpcStatus.DEADLINE_EXCEEDED);
		}
	}

	// The end of a client stream: COMPLETE, or ERROR with the client's failure.
	void onInputEnd(int callId, @Nullable RpcException failure) {
		ServerCall call = this.inFlight.get(callId);
		if (call != null && call.input() != null) {
			call.input().end(failure);
		}
	}

	void onRequestN(Frame.RequestN requestN) {
		ServerCall call = this.inFlight.get(requestN.callId());
		if (call != null && call.stream() != null) {
			call.stream().addCredit(requestN.n());
		}
	}

	// An item of a client stream. Items of a call that has ended or whose input was
	// cancelled are dropped: the client may have sent them before it learnt.
	void onInputItem(Frame.Next next) {
		ServerCall call = this.inFlight.get(next.callId());
		ServerInput input = (call != null) ? call.input() : null;
		if (input == null) {
			return;
		}
		ServerMethod method = call.method();
		Object item;
		try {
			ProcessorChain processors = this.server.processors();
			ByteBuf payload = processors.isEmpty() ? next.payload() : processors.inbound(
					new MessageInfo(MessageInfo.Kind.REQUEST, method.key(), this.connection.peer()), next.payload());
			item = this.server.codec().read(MessagePackBuffers.get().unpacker(payload), method.streamItemType());
		}
		catch (RpcException ex) {
			cancelInput(call);
			input.abort(ex);
			return;
		}
		catch (RuntimeException | java.io.IOException ex) {
			cancelInput(call);
			input.abort(new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Cannot decode an item of " + method.key() + ": " + ex.getMessage(), ex));
			return;
		}
		call.messageReceived();
		input.onNext(item);
	}

	/**
	 * Called by a call, on any thread, once its outcome is known. The outcome is encoded
	 * on that thread, so that a worker, not the event loop, pays for encoding the result
	 * of a blocking method.
	 */
	void complete(ServerCall call, @Nullable Object result, @Nullable RpcException error) {
		if (!this.connection.channel().isActive()) {
			// The connection is gone and its caller was failed when it closed.
			return;
		}
		if (this.inFlight.remove(call.callId()) == null) {
			// Cancelled by the client: it expects no answer.
			return;
		}
		if (error != null) {
			this.connection.sendError(call.callId(), error);
		}
		else if (call.stream() != null) {
			this.connection.send(FrameCodec.encodeComplete(this.connection.channel().alloc(), call.callId()));
		}
		else {
			this.connection.sendResult(call, result);
		}
	}

	/**
	 * Grant the client credit for more items of its stream. Any thread.
	 * @param call the call
	 * @param n the credit
	 * @param granted called on the event loop with the credit, before it is sent
	 */
	void grantInput(ServerCall call, int n, IntConsumer granted) {
		this.connection.onEventLoop(() -> {
			if (this.connection.channel().isActive() && this.inFlight.get(call.callId()) == call) {
				granted.accept(n);
				this.connection.send(FrameCodec.encodeRequestN(this.connection.channel().alloc(), call.callId(), n));
			}
		});
	}

	/**
	 * Tell the client to stop sending the items of its stream; the call goes on. Any
	 * thread.
	 * @param call the call
	 */
	void cancelInput(ServerCall call) {
		this.connection.onEventLoop(() -> {
			if (this.connection.channel().isActive() && this.inFlight.get(call.callId()) == call) {
				this.connection.send(
						FrameCodec.encodeCancel(this.connection.channel().alloc(), call.callId(), RpcStatus.CANCELLED));
			}
		});
	}

	/**
	 * Cancel every call in flight and end every session, when the connection closes.
	 */
	void closed() {
		for (ServerCall call : this.inFlight.values()) {
			call.cancel();
		}
		this.inFlight.clear();
		this.sessions.endAll();
	}

}
