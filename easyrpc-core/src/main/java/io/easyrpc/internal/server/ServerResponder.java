package io.easyrpc.internal.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import com.netflix.concurrency.limits.Limiter;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.ServerSession;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.ReactorSupport;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.LocalPeers;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.server.Forwarding;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
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

	// The calls forwarded by gateway routes, like inFlight; null without routes.
	private final @Nullable Map<Integer, ServerRelay> relays;

	// The gateway's own session for each of the peer's sessions whose calls it forwards,
	// created on the event loop; null without routes.
	private final @Nullable Map<String, RpcSession> forwardedSessions;

	// Requests that joined a call another request started under the same idempotency
	// key, by call id; created on the event loop at the first, null until then.
	private volatile @Nullable Map<Integer, DedupStore.Waiter> joined;

	ServerResponder(ServerConnection connection, ServerRuntime server, String transport) {
		this.connection = connection;
		this.server = server;
		this.transport = transport;
		this.sessions = new ConnectionSessions(server, connection);
		this.relays = server.hasRoutes() ? new ConcurrentHashMap<>() : null;
		this.forwardedSessions = server.hasRoutes() ? new ConcurrentHashMap<>() : null;
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
		return this.inFlight.isEmpty() && (this.relays == null || this.relays.isEmpty());
	}

	void onRequest(Frame.Request request) {
		int callId = request.callId();
		ServerMethod method = this.server.registry().lookup(request.method());
		CallObservation observation = this.server.observe(request.method(), this.connection.peer(),
				request.metadata().headers(), false, method != null && method.callStyle().isStreaming(),
				method != null && method.streamParameter() >= 0, this.transport, this.connection.protocol());
		if (this.server.isRefusingCalls()) {
			refuse(callId, observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down",
					Frame.Error.NOT_STARTED, null, null));
			return;
		}
		if (method == null) {
			ServerRuntime.Route route = this.server.route(request.method());
			if (route != null) {
				if (this.connection.codec().format() != CodecFormat.MSGPACK) {
					// A route passes payloads on as they are, to a MessagePack
					// connection.
					refuse(callId, observation,
							new RpcException(RpcStatus.INVALID_ARGUMENT, "Method '" + request.method()
									+ "' is forwarded by a gateway route, which needs MessagePack payloads"));
					return;
				}
				forward(callId, route, request.method(), request.metadata(), request.payload(), observation);
				return;
			}
			refuse(callId, observation, new RpcException(RpcStatus.NOT_FOUND, "No method '" + request.method()
					+ "' on this server (" + Reflection.DESCRIBE_KEY + " lists them)"));
			return;
		}
		Map<Integer, DedupStore.Waiter> joinedCalls = this.joined;
		if (this.inFlight.containsKey(callId) || (this.relays != null && this.relays.containsKey(callId))
				|| (joinedCalls != null && joinedCalls.containsKey(callId))) {
			refuse(callId, observation,
					new RpcException(RpcStatus.INVALID_ARGUMENT, "Call id " + callId + " is already in use"));
			return;
		}
		DedupStore.Entry shared = null;
		String idempotencyKey = request.metadata().idempotencyKey();
		if (idempotencyKey != null) {
			DedupStore dedup = this.server.dedup();
			if (dedup != null && isDeduplicated(method, request.metadata())) {
				if (idempotencyKey.isEmpty() || idempotencyKey.length() > DedupStore.MAX_KEY_LENGTH) {
					refuse(callId, observation,
							new RpcException(RpcStatus.INVALID_ARGUMENT, "An idempotency key must have 1 to "
									+ DedupStore.MAX_KEY_LENGTH + " characters, not " + idempotencyKey.length()));
					return;
				}
				// Kept outcomes are encoded payloads: a re-send with the other codec runs
				// anew.
				Object caller = (this.connection.codec().format() == CodecFormat.MSGPACK) ? caller()
						: List.of(caller(), CodecFormat.JSON);
				shared = new DedupStore.Entry(new DedupStore.Key(method.key(), caller, idempotencyKey));
				DedupStore.Entry running = dedup.claim(shared);
				if (running != null) {
					join(callId, method, running, observation);
					return;
				}
			}
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
					LogSafe.text(ex.getMessage()));
			refuse(callId, observation, ex);
			if (shared != null) {
				deliverAll(this.server.dedup().abandon(shared, ex), method, new DedupStore.Outcome(null, ex));
			}
			return;
		}
		Limiter.Listener slot = null;
		if (!method.callStyle().isStreaming() && method.streamParameter() < 0) {
			try {
				slot = this.server.calls().admit(method.key());
			}
			catch (RpcException ex) {
				invoker.release();
				refuse(callId, observation, ex);
				if (shared != null) {
					deliverAll(this.server.dedup().abandon(shared, ex), method, new DedupStore.Outcome(null, ex));
				}
				return;
			}
		}
		ServerCall call = new ServerCall(this.connection, callId, method, invoker, arguments,
				context(method, request.metadata(), session), observation);
		call.shared(shared);
		call.limitSlot(slot);
		if (method.streamParameter() >= 0) {
			ServerInput input = new ServerInput(this.connection, call, this.server.streamWindow());
			call.input(input);
			arguments[method.streamParameter()] = method.streamParameterIsFlux() ? ReactorSupport.toFlux(input) : input;
		}
		this.inFlight.put(callId, call);
		this.server.dispatch(call);
	}

	// Only unary calls outside sessions are de-duplicated, and a local-only method only
	// for callers it answers (the others are refused by admit).
	private boolean isDeduplicated(ServerMethod method, Metadata metadata) {
		return !method.callStyle().isStreaming() && method.streamParameter() < 0 && metadata.sessionId() == null
				&& (!method.options().localOnly() || LocalPeers.isLocal(this.connection.remoteAddress()));
	}

	// Who may see the outcome of a de-duplicated call: callers from the same host, so
	// that a client that reconnects from another port still finds its call.
	private Object caller() {
		SocketAddress address = this.connection.remoteAddress();
		return (address instanceof InetSocketAddress inet && inet.getAddress() != null) ? inet.getAddress() : "local";
	}

	// A request whose key belongs to a call that runs or ran: it takes that call's
	// outcome, now or when it ends, without running the method again.
	private void join(int callId, ServerMethod method, DedupStore.Entry running,
			@Nullable CallObservation observation) {
		Map<Integer, DedupStore.Waiter> current = this.joined;
		if (current == null) {
			current = new ConcurrentHashMap<>();
			this.joined = current;
		}
		DedupStore.Waiter waiter = new DedupStore.Waiter(this, callId, running, observation);
		current.put(callId, waiter);
		DedupStore.Outcome outcome = running.join(waiter);
		if (outcome != null) {
			this.server.deduplicated(method.key(), "hit");
			deliver(waiter, method, outcome);
		}
		else {
			this.server.deduplicated(method.key(), "joined");
		}
	}

	private static void deliverAll(List<DedupStore.Waiter> waiters, ServerMethod method, DedupStore.Outcome outcome) {
		for (DedupStore.Waiter waiter : waiters) {
			waiter.responder().deliver(waiter, method, outcome);
		}
	}

	// Hands a joined request the outcome of the call it joined. Any thread.
	private void deliver(DedupStore.Waiter waiter, ServerMethod method, DedupStore.Outcome outcome) {
		Map<Integer, DedupStore.Waiter> current = this.joined;
		if (current == null || !current.remove(waiter.callId(), waiter)) {
			return;
		}
		CallObservation observation = waiter.observation();
		if (observation != null) {
			RpcException error = outcome.error();
			observation.stop((error != null) ? error.getStatus() : RpcStatus.OK, error);
		}
		if (this.connection.channel().isActive()) {
			send(waiter.callId(), method, outcome);
		}
	}

	private void send(int callId, ServerMethod method, DedupStore.Outcome outcome) {
		RpcException error = outcome.error();
		if (error != null) {
			this.connection.sendError(callId, error);
		}
		else {
			this.connection.sendEncodedResult(callId, method, outcome.payload());
		}
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
		Object[] decoded = invoker.decodeArguments(arguments, this.connection.codec());
		if (!invoker.tryAcquire()) {
			this.server.rejected(method.key(), "max-concurrency");
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Method " + method.key() + " allows at most "
					+ method.options().maxConcurrency() + " concurrent calls");
		}
		return decoded;
	}

	// A call, or a notification (call id -1), that a gateway route forwards: its payload
	// is processed and copied as it is, never decoded.
	private void forward(int callId, ServerRuntime.Route route, String key, Metadata metadata, ByteBuf payload,
			@Nullable CallObservation observation) {
		Map<Integer, ServerRelay> current = this.relays;
		if (callId >= 0 && (this.inFlight.containsKey(callId) || current.containsKey(callId))) {
			refuse(callId, observation,
					new RpcException(RpcStatus.INVALID_ARGUMENT, "Call id " + callId + " is already in use"));
			return;
		}
		RpcSession session;
		byte[] arguments;
		try {
			session = forwardedSession(key, metadata.sessionId());
			ProcessorChain processors = this.server.processors();
			ByteBuf processed = processors.isEmpty() ? payload
					: processors.inbound(
							new MessageInfo((callId >= 0) ? MessageInfo.Kind.REQUEST : MessageInfo.Kind.NOTIFICATION,
									key, this.connection.peer()),
							payload);
			arguments = new byte[processed.readableBytes()];
			processed.getBytes(processed.readerIndex(), arguments);
		}
		catch (RpcException ex) {
			logger.debug("Refusing forwarded call to {} from {}: {}", LogSafe.text(key),
					this.connection.remoteAddress(), LogSafe.text(ex.getMessage()));
			if (callId >= 0) {
				refuse(callId, observation, ex);
			}
			else {
				refuse(observation, ex);
			}
			return;
		}
		long deadline = (metadata.timeoutMillis() > 0) ? System.nanoTime() + metadata.timeoutMillis() * 1_000_000L : 0;
		Forwarding.Request forwarded = new Forwarding.Request(key.substring(route.prefix().length() + 1),
				metadata.headers(), metadata.idempotencyKey(), session, deadline, arguments, callId < 0);
		RpcContext context = new RpcContext(key, this.connection.remoteAddress(), metadata.headers(), deadline,
				metadata.sessionId(), metadata.idempotencyKey());
		ServerRelay relay = new ServerRelay(this.connection, callId, route, forwarded, context, observation);
		if (callId >= 0) {
			current.put(callId, relay);
		}
		relay.start();
	}

	// The gateway's session for one of the peer's sessions, opened on its first forwarded
	// call: its own random id, so that sessions of different callers never meet on a
	// target connection.
	private @Nullable RpcSession forwardedSession(String key, @Nullable String id) {
		if (id == null) {
			return null;
		}
		Map<String, RpcSession> current = this.forwardedSessions;
		RpcSession session = current.get(id);
		if (session != null) {
			return session;
		}
		if (id.isEmpty() || id.length() > RpcSession.MAX_ID_LENGTH) {
			throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					"A session id must have 1 to " + RpcSession.MAX_ID_LENGTH + " characters, not " + id.length());
		}
		int limit = this.server.maxSessionsPerConnection();
		if (current.size() >= limit) {
			this.server.rejected(key, "max-sessions");
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "A connection may have at most " + limit
					+ " open sessions (easyrpc.server.max-sessions-per-connection): close sessions that are done");
		}
		session = ServerRelay.newSession();
		current.put(id, session);
		return session;
	}

	/**
	 * Return whether a forwarded call is still in flight. Any thread.
	 * @param relay the call
	 * @return {@code true} until it has ended or the peer cancelled it
	 */
	boolean isRelaying(ServerRelay relay) {
		return this.relays != null && this.relays.get(relay.callId()) == relay;
	}

	/**
	 * End a forwarded call. Any thread.
	 * @param relay the call
	 * @return {@code true} if it was in flight, so the peer expects its outcome
	 */
	boolean relayEnded(ServerRelay relay) {
		return this.relays != null && this.relays.remove(relay.callId(), relay);
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
			String id = notification.metadata().sessionId();
			if (this.forwardedSessions != null && id != null) {
				RpcSession forwarded = this.forwardedSessions.remove(id);
				if (forwarded != null) {
					forwarded.close();
				}
			}
			return;
		}
		CallObservation observation = this.server.observe(notification.method(), this.connection.peer(),
				notification.metadata().headers(), true, false, false, this.transport, this.connection.protocol());
		if (this.server.isRefusingCalls()) {
			refuse(observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down"));
			return;
		}
		ServerMethod method = this.server.registry().lookup(notification.method());
		if (method == null) {
			ServerRuntime.Route route = this.server.route(notification.method());
			if (route != null && this.connection.codec().format() != CodecFormat.MSGPACK) {
				refuse(observation, new RpcException(RpcStatus.INVALID_ARGUMENT, "Method '" + notification.method()
						+ "' is forwarded by a gateway route, which needs MessagePack payloads"));
				return;
			}
			if (route != null) {
				forward(-1, route, notification.method(), notification.metadata(), notification.payload(), observation);
				return;
			}
			this.server.warnings()
				.warn(logger, "unknown-method", "Dropping notification from {} to unknown method '{}'",
						this.connection.remoteAddress(), LogSafe.text(notification.method()));
			refuse(observation,
					new RpcException(RpcStatus.NOT_FOUND, "No method '" + notification.method() + "' on this server"));
			return;
		}
		if (method.streamParameter() >= 0) {
			this.server.warnings()
				.warn(logger, "refused-notification",
						"Dropping notification from {} to {}, which takes a client stream",
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
			this.server.warnings()
				.warn(logger, "refused-notification", "Dropping notification from {}: {}",
						this.connection.remoteAddress(), LogSafe.text(ex.getMessage()));
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
		Map<Integer, DedupStore.Waiter> joinedCalls = this.joined;
		DedupStore.Waiter waiter = (call == null && joinedCalls != null) ? joinedCalls.remove(cancel.callId()) : null;
		if (call != null) {
			DedupStore.Entry shared = call.shared();
			// A de-duplicated call whose caller gave up at its deadline runs on, so that
			// a retry finds its outcome; one cancelled outright stops unless others
			// joined it.
			if (shared == null || (cancel.reason() != RpcStatus.DEADLINE_EXCEEDED && !shared.hasWaiters())) {
				call.cancel(cancel.reason() == RpcStatus.DEADLINE_EXCEEDED);
			}
		}
		else if (waiter != null) {
			waiter.entry().leave(waiter);
			if (waiter.observation() != null) {
				waiter.observation().stop(RpcStatus.CANCELLED, null);
			}
		}
		else if (this.relays != null) {
			ServerRelay relay = this.relays.remove(cancel.callId());
			if (relay != null) {
				relay.cancel(cancel.reason() == RpcStatus.DEADLINE_EXCEEDED);
			}
		}
	}

	// The end of a client stream: COMPLETE, or ERROR with the client's failure.
	void onInputEnd(int callId, @Nullable RpcException failure) {
		ServerCall call = this.inFlight.get(callId);
		if (call != null && call.input() != null) {
			call.input().end(failure);
		}
		else if (call == null && this.relays != null) {
			ServerRelay relay = this.relays.get(callId);
			if (relay != null) {
				relay.endInput(failure);
			}
		}
	}

	void onRequestN(Frame.RequestN requestN) {
		ServerCall call = this.inFlight.get(requestN.callId());
		if (call != null && call.stream() != null) {
			call.stream().addCredit(requestN.n());
		}
		else if (call == null && this.relays != null) {
			ServerRelay relay = this.relays.get(requestN.callId());
			if (relay != null) {
				relay.callerRequestN(requestN.n());
			}
		}
	}

	// An item of a client stream. Items of a call that has ended or whose input was
	// cancelled are dropped: the client may have sent them before it learnt.
	void onInputItem(Frame.Next next) {
		ServerCall call = this.inFlight.get(next.callId());
		ServerInput input = (call != null) ? call.input() : null;
		if (input == null) {
			if (call == null && this.relays != null) {
				forwardInputItem(next);
			}
			return;
		}
		ServerMethod method = call.method();
		Object item;
		try {
			ProcessorChain processors = this.server.processors();
			ByteBuf payload = processors.isEmpty() ? next.payload() : processors.inbound(
					new MessageInfo(MessageInfo.Kind.REQUEST, method.key(), this.connection.peer()), next.payload());
			item = this.connection.codec().read(MessagePackBuffers.get().unpacker(payload), method.streamItemType());
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

	private void forwardInputItem(Frame.Next next) {
		ServerRelay relay = this.relays.get(next.callId());
		if (relay == null) {
			return;
		}
		try {
			relay.callerNext(next.payload());
		}
		catch (RpcException ex) {
			// A processor refused the item: the call ends here and on the target.
			if (this.relays.remove(next.callId(), relay)) {
				relay.cancel(false);
				this.connection.sendError(next.callId(), ex);
			}
		}
	}

	/**
	 * Called by a call, on any thread, once its outcome is known. The outcome is encoded
	 * on that thread, so that a worker, not the event loop, pays for encoding the result
	 * of a blocking method.
	 */
	void complete(ServerCall call, @Nullable Object result, @Nullable RpcException error) {
		DedupStore.Entry shared = call.shared();
		if (shared != null) {
			completeShared(call, shared, result, error);
			return;
		}
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

	// The outcome of a de-duplicated call is encoded once, kept for re-sends, and sent to
	// its caller, if still connected, and to every request that joined it.
	private void completeShared(ServerCall call, DedupStore.Entry shared, @Nullable Object result,
			@Nullable RpcException error) {
		ServerMethod method = call.method();
		DedupStore.Outcome outcome;
		if (error != null) {
			outcome = new DedupStore.Outcome(null, error);
		}
		else {
			outcome = encode(method, result);
		}
		DedupStore dedup = this.server.dedup();
		List<DedupStore.Waiter> waiters = (dedup != null) ? dedup.complete(shared, outcome) : shared.finish(outcome);
		if (outcome.error() == null || DedupStore.isStored(outcome.error().getStatus())) {
			this.server.deduplicated(method.key(), "stored");
		}
		if (this.connection.channel().isActive() && this.inFlight.remove(call.callId(), call)) {
			send(call.callId(), method, outcome);
		}
		deliverAll(waiters, method, outcome);
	}

	private DedupStore.Outcome encode(ServerMethod method, @Nullable Object result) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			this.connection.codec().write(packer, result, method.resultType());
			return new DedupStore.Outcome(packer.toByteArray(), null);
		}
		catch (RpcException ex) {
			logger.warn("Cannot send the result of easyrpc method {}: {}", method.key(), ex.getMessage());
			return new DedupStore.Outcome(null, ex);
		}
		catch (Exception ex) {
			logger.warn("Cannot encode the result of easyrpc method {}", method.key(), ex);
			return new DedupStore.Outcome(null, new RpcException(RpcStatus.INTERNAL,
					"Cannot encode the result of " + method.key() + ": " + ex.getMessage()));
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
	 * Cancel every call in flight and end every session, when the connection closes. A
	 * call de-duplicated by its idempotency key runs on and keeps its outcome.
	 */
	void closed() {
		for (ServerCall call : this.inFlight.values()) {
			// A de-duplicated call runs on: its caller re-attaches by its key.
			if (call.shared() == null) {
				call.cancel();
			}
		}
		this.inFlight.clear();
		Map<Integer, DedupStore.Waiter> joinedCalls = this.joined;
		if (joinedCalls != null) {
			for (DedupStore.Waiter waiter : joinedCalls.values()) {
				waiter.entry().leave(waiter);
				if (waiter.observation() != null) {
					waiter.observation().stop(RpcStatus.CANCELLED, null);
				}
			}
			joinedCalls.clear();
		}
		this.sessions.endAll();
		if (this.relays != null) {
			for (ServerRelay relay : this.relays.values()) {
				relay.cancel(false);
			}
			this.relays.clear();
			for (RpcSession session : this.forwardedSessions.values()) {
				session.close();
			}
			this.forwardedSessions.clear();
		}
	}

}
