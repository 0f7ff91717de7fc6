package io.easyrpc.internal.server;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import io.easyrpc.internal.ContextAccess;
import io.easyrpc.server.ServerMethod;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.Reflection;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.LocalPeers;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ReactorSupport;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.transport.FrameConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one connection: decodes requests on the event loop, dispatches them
 * and writes the results, which are encoded by the thread that completes the call.
 * <p>
 * When the server has a shared secret, the connection first runs the authentication
 * handshake: its preface carries {@link Preface#FLAG_AUTH}, an {@code AUTH_CHALLENGE}
 * follows, and until a valid {@code AUTH_RESPONSE} has arrived no frame but {@code PING},
 * {@code PONG} and {@code GOAWAY} is accepted: anything else ends the connection with
 * {@code UNAUTHENTICATED} before it reaches the registry. When the server has connection
 * middleware, nothing the peer sends is dispatched until they have accepted the
 * connection: at once on a plain connection, after the handshake on a TLS connection.
 * Frames that arrive before the decision are held, in order, and handed on once the
 * connection is accepted, or released if it is refused. While frames are held, reading is
 * paused, so at most one read's worth is ever held. Pausing reads from the start instead
 * would stall the TLS handshake, which needs reads to complete.
 */
public final class ServerConnection extends FrameConnection {

	private static final ContextAccess CONTEXTS = ContextAccess.get();

	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private static final int MAX_TRUNCATED_MESSAGE = 1024;

	private static final String UNAUTHENTICATED_REASON = "unauthenticated";

	private static final long REFUSAL_LINGER_MILLIS = 2000;

	private final ServerRuntime server;

	private final String transport;

	// Added on the event loop; removed there on cancel and by whichever thread completes
	// the call, which then encodes and sends the outcome itself.
	private final Map<Integer, ServerCall> inFlight = new ConcurrentHashMap<>();

	private final long createdAt = System.currentTimeMillis();

	// Streams that paused because the outbound buffer was full.
	private final Queue<Runnable> writabilityWaiters = new ConcurrentLinkedQueue<>();

	private long calls;

	// Created and ended on the event loop; read by other threads for counts.
	private final Map<String, ServerSession> sessions = new ConcurrentHashMap<>();

	private String peer;

	private final SharedSecret secret;

	// Event loop only.
	private boolean authenticated;

	private byte[] serverNonce;

	private ScheduledFuture<?> authTimer;

	// Null when the server has no connection middleware.
	private final ConnectionAdmission admission;

	// Event loop only, like the fields below.
	private boolean admitted;

	private boolean refused;

	private ArrayDeque<Object> held;

	private boolean readsPaused;

	private ChannelHandlerContext handlerContext;

	/**
	 * Create the handler of one server connection.
	 * @param server the server the connection belongs to
	 * @param maxFrameSize the largest frame accepted
	 * @param transport how the peer is connected
	 * @param remoteAddress the peer's address for a bridged connection, or {@code null}
	 * @param localAddress the local address for a bridged connection, or {@code null}
	 */
	public ServerConnection(RpcServer server, int maxFrameSize, String transport, SocketAddress remoteAddress,
			SocketAddress localAddress) {
		super(maxFrameSize);
		this.server = ServerRuntime.of(server);
		this.transport = transport;
		if (remoteAddress != null) {
			bridgedAddresses(remoteAddress, localAddress);
		}
		this.secret = this.server.sharedSecret();
		this.authenticated = this.secret == null;
		List<ConnectionMiddleware> middleware = this.server.connectionMiddleware();
		this.admission = middleware.isEmpty() ? null : new ConnectionAdmission(middleware);
		this.admitted = this.admission == null;
	}

	ServerRuntime server() {
		return this.server;
	}

	/**
	 * Return how the peer is connected.
	 * @return the value
	 */
	public String transport() {
		return this.transport;
	}

	/**
	 * Return when the connection was opened, in epoch milliseconds.
	 * @return the value
	 */
	public long createdAt() {
		return this.createdAt;
	}

	/**
	 * Return how many calls the peer made.
	 * @return the value
	 */
	public long calls() {
		return this.calls;
	}

	/**
	 * Return the number of open sessions.
	 * @return the value
	 */
	public int sessionCount() {
		return this.sessions.size();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.handlerContext = ctx;
		this.server.connectionOpened(this);
		super.channelActive(ctx);
	}

	// Decided before the preface is flushed, so that a refusal's GOAWAY (or the
	// challenge) reaches the client together with the preface.
	@Override
	protected void prefaceWritten(ChannelHandlerContext ctx) {
		if (!this.admitted) {
			// Connection middleware decide first; the challenge follows an acceptance.
			if (!usesTls(ctx)) {
				admit(ctx, null);
			}
		}
		else if (!this.authenticated) {
			challenge();
		}
	}

	// An SNI handler replaces itself with an SslHandler once the client's hello arrives.
	// On a server with its own TLS context the guard that refuses plain-text clients sits
	// in front of the SslHandler, which is in the pipeline all the same.
	private static boolean usesTls(ChannelHandlerContext ctx) {
		return ctx.pipeline().get(SslHandler.class) != null || ctx.pipeline().get(SslClientHelloHandler.class) != null;
	}

	// A failed handshake needs nothing here: the connection is closed.
	@Override
	protected void tlsHandshakeCompleted(SSLSession session) {
		if (!this.admitted && !this.refused && this.handlerContext != null) {
			admit(this.handlerContext, session);
		}
	}

	private void admit(ChannelHandlerContext ctx, SSLSession session) {
		Channel channel = ctx.channel();
		ConnectionInfo info = new ConnectionInfo(remoteAddress(), localAddress(), session);
		ConnectionDecision decision = this.admission.admit(info);
		if (decision.isAccepted()) {
			this.admitted = true;
			if (!this.authenticated) {
				challenge();
			}
			releaseHeld(ctx);
			return;
		}
		this.refused = true;
		discardHeld();
		if (this.readsPaused) {
			this.readsPaused = false;
			channel.config().setAutoRead(true);
		}
		this.server.connectionRejected(info, decision);
		ctx.writeAndFlush(FrameCodec.encodeGoAway(ctx.alloc(), decision.status(), decision.message()))
			.addListener((ChannelFutureListener) (written) -> lingerAndClose(written.channel()));
	}

	// Closing a socket while the peer's first bytes are still unread resets it, and the
	// reset can reach the peer before it has read the GOAWAY, which is then lost. So the
	// output is shut down instead, whatever the peer still sends is discarded, and the
	// connection closes when the peer closes it, or after a short linger at the latest.
	private static void lingerAndClose(Channel channel) {
		if (!channel.isActive()) {
			channel.close();
			return;
		}
		if (channel instanceof DuplexChannel duplex) {
			duplex.shutdownOutput();
		}
		// An in-process channel has no output to shut down, and closing it at once would
		// drop the GOAWAY if the peer has not started reading yet: it lingers as well.
		channel.eventLoop().schedule(() -> channel.close(), REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
	}

	@Override
	protected int prefaceFlags() {
		return (this.secret != null) ? Preface.FLAG_AUTH : 0;
	}

	private void challenge() {
		this.serverNonce = SharedSecret.newNonce();
		send(FrameCodec.encodeAuthChallenge(channel().alloc(), this.serverNonce));
		long timeoutMillis = Math.max(1, this.server.authTimeout().toMillis());
		this.authTimer = eventLoop().schedule(() -> {
			if (!this.authenticated && channel().isActive()) {
				refuse("", "no AUTH_RESPONSE within " + timeoutMillis + " ms",
						"Authentication required: no AUTH_RESPONSE within " + timeoutMillis + " ms");
			}
		}, timeoutMillis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.admitted) {
			super.channelRead(ctx, msg);
		}
		else if (this.refused) {
			ReferenceCountUtil.release(msg);
		}
		else {
			hold(ctx, msg);
		}
	}

	private void hold(ChannelHandlerContext ctx, Object msg) {
		if (this.held == null) {
			this.held = new ArrayDeque<>();
		}
		this.held.add(msg);
		if (!this.readsPaused && ctx.channel().config().isAutoRead()) {
			this.readsPaused = true;
			ctx.channel().config().setAutoRead(false);
		}
	}

	private void releaseHeld(ChannelHandlerContext ctx) {
		if (this.held != null) {
			try {
				Object msg;
				while ((msg = this.held.poll()) != null) {
					super.channelRead(ctx, msg);
				}
			}
			finally {
				discardHeld();
			}
			channelReadComplete(ctx);
		}
		if (this.readsPaused) {
			this.readsPaused = false;
			ctx.channel().config().setAutoRead(true);
		}
	}

	private void discardHeld() {
		if (this.held != null) {
			Object msg;
			while ((msg = this.held.poll()) != null) {
				ReferenceCountUtil.release(msg);
			}
			this.held = null;
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.server.connectionClosed(this);
		if (this.authTimer != null) {
			this.authTimer.cancel(false);
		}
		discardHeld();
		if (this.admission != null) {
			this.admission.closed();
		}
		for (ServerCall call : this.inFlight.values()) {
			call.cancel();
		}
		this.inFlight.clear();
		endSessions();
		runWritabilityWaiters();
		super.channelInactive(ctx);
	}

	@Override
	protected void frameReceived(Frame frame) {
		if (!this.authenticated) {
			authenticate(frame);
			return;
		}
		if (frame instanceof Frame.Request request) {
			this.calls++;
			onRequest(request);
		}
		else if (frame instanceof Frame.Notification notification) {
			this.calls++;
			onNotification(notification);
		}
		else if (frame instanceof Frame.Cancel cancel) {
			ServerCall call = this.inFlight.remove(cancel.callId());
			if (call != null) {
				call.cancel(cancel.reason() == RpcStatus.DEADLINE_EXCEEDED);
			}
		}
		else if (frame instanceof Frame.Next next) {
			onInputItem(next);
		}
		else if (frame instanceof Frame.Complete complete) {
			ServerCall call = this.inFlight.get(complete.callId());
			if (call != null && call.input() != null) {
				call.input().end(null);
			}
		}
		else if (frame instanceof Frame.Error error) {
			ServerCall call = this.inFlight.get(error.callId());
			if (call != null && call.input() != null) {
				call.input().end(new RpcException(RpcStatus.fromCode(error.statusCode()), error.message()));
			}
		}
		else if (frame instanceof Frame.RequestN requestN) {
			ServerCall call = this.inFlight.get(requestN.callId());
			if (call != null && call.stream() != null) {
				call.stream().addCredit(requestN.n());
			}
		}
		else if (frame instanceof Frame.Ping ping) {
			send(FrameCodec.encodePing(channel().alloc(), true, ping.data()));
		}
		else if (frame instanceof Frame.GoAway) {
			channel().close();
		}
		else if (frame instanceof Frame.AuthResponse) {
			abort(RpcStatus.INVALID_ARGUMENT, "Unexpected AUTH_RESPONSE: "
					+ ((this.secret != null) ? "already authenticated" : "this server asked for no authentication"));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Ignoring {} frame from {}", frame.type(), remoteAddress());
		}
	}

	// Until the client has proven that it knows the secret, nothing it sends reaches the
	// registry or the observers.
	private void authenticate(Frame frame) {
		if (frame instanceof Frame.AuthResponse response) {
			if (this.secret.isValidClientProof(this.serverNonce, response.nonce(), response.proof())) {
				this.authenticated = true;
				this.authTimer.cancel(false);
				send(FrameCodec.encodeAuthOk(channel().alloc(),
						this.secret.serverProof(this.serverNonce, response.nonce())));
				logger.debug("easyrpc client {} authenticated", remoteAddress());
			}
			else {
				refuse("", "wrong shared secret", "Authentication failed: the shared secret does not match");
			}
		}
		else if (frame instanceof Frame.Ping ping) {
			send(FrameCodec.encodePing(channel().alloc(), true, ping.data()));
		}
		else if (frame instanceof Frame.GoAway goAway) {
			logger.warn("easyrpc client {} left before authenticating: {}", remoteAddress(), goAway.message());
			this.server.rejected("", UNAUTHENTICATED_REASON);
			abort(RpcStatus.UNAUTHENTICATED, "Not authenticated");
		}
		else if (!(frame instanceof Frame.Pong)) {
			String methodKey = (frame instanceof Frame.Request request) ? request.method()
					: (frame instanceof Frame.Notification notification) ? notification.method() : "";
			String type = (frame.type() != null) ? frame.type().name()
					: "frame of type " + ((Frame.Unsupported) frame).code();
			refuse(methodKey, type + " before authenticating",
					"Authentication required: " + type + " sent before AUTH_RESPONSE");
		}
	}

	private void refuse(String methodKey, String logReason, String message) {
		logger.warn("Refusing easyrpc client {}: {}", remoteAddress(), logReason);
		this.server.rejected(methodKey, UNAUTHENTICATED_REASON);
		abort(RpcStatus.UNAUTHENTICATED, message);
	}

	@Override
	protected void idle(IdleStateEvent event) {
		if (this.inFlight.isEmpty()) {
			logger.debug("Closing idle easyrpc connection from {}", remoteAddress());
			closeWithGoAway(RpcStatus.UNAVAILABLE, "Connection closed after the idle timeout");
		}
	}

	private void onRequest(Frame.Request request) {
		int callId = request.callId();
		ServerMethod method = this.server.registry().lookup(request.method());
		CallObservation observation = this.server.observe(request.method(), peer(), request.metadata().headers(), false,
				method != null && method.callStyle().isStreaming(), method != null && method.streamParameter() >= 0,
				this.transport);
		if (this.server.isRefusingCalls()) {
			refuse(callId, observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down"));
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
		Object[] arguments;
		ServerSession session;
		try {
			session = session(method, request.metadata().sessionId());
			arguments = admit(method, request.payload(), MessageInfo.Kind.REQUEST);
		}
		catch (RpcException ex) {
			logger.debug("Refusing call to {} from {}: {}", method.key(), remoteAddress(), ex.getMessage());
			refuse(callId, observation, ex);
			return;
		}
		ServerCall call = new ServerCall(this, callId, method, arguments, context(method, request.metadata(), session),
				observation);
		if (method.streamParameter() >= 0) {
			ServerInput input = new ServerInput(this, call, this.server.streamWindow());
			call.input(input);
			arguments[method.streamParameter()] = method.streamParameterIsFlux() ? ReactorSupport.toFlux(input) : input;
		}
		this.inFlight.put(callId, call);
		this.server.dispatch(call);
	}

	// The checks every call passes before it is dispatched, cheapest first. The slot of a
	// method with a concurrency limit is taken last, so that a call refused for another
	// reason does not hold it; ServerCall gives it back when the call is over.
	private Object[] admit(ServerMethod method, ByteBuf payload, MessageInfo.Kind kind) {
		if (method.options().localOnly() && !LocalPeers.isLocal(remoteAddress())) {
			this.server.rejected(method.key(), "local-only");
			throw new RpcException(RpcStatus.PERMISSION_DENIED,
					"Method " + method.key() + " answers only callers on the same host");
		}
		ProcessorChain processors = this.server.processors();
		ByteBuf arguments = processors.isEmpty() ? payload
				: processors.inbound(new MessageInfo(kind, method.key(), peer()), payload);
		Object[] decoded = method.decodeArguments(arguments, this.server.codec());
		if (!method.tryAcquire()) {
			this.server.rejected(method.key(), "max-concurrency");
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Method " + method.key() + " allows at most "
					+ method.options().maxConcurrency() + " concurrent calls");
		}
		return decoded;
	}

	private void refuse(int callId, CallObservation observation, RpcException error) {
		if (observation != null) {
			observation.stop(error.getStatus(), error);
		}
		sendError(callId, error);
	}

	private void onNotification(Frame.Notification notification) {
		if (RpcSession.END_METHOD.equals(notification.method())) {
			endSession(notification.metadata().sessionId());
			return;
		}
		CallObservation observation = this.server.observe(notification.method(), peer(),
				notification.metadata().headers(), true, false, false, this.transport);
		if (this.server.isRefusingCalls()) {
			refuse(observation, new RpcException(RpcStatus.UNAVAILABLE, "Server is shutting down"));
			return;
		}
		ServerMethod method = this.server.registry().lookup(notification.method());
		if (method == null) {
			logger.warn("Dropping notification from {} to unknown method '{}'", remoteAddress(), notification.method());
			refuse(observation,
					new RpcException(RpcStatus.NOT_FOUND, "No method '" + notification.method() + "' on this server"));
			return;
		}
		if (method.streamParameter() >= 0) {
			logger.warn("Dropping notification from {} to {}, which takes a client stream", remoteAddress(),
					method.key());
			refuse(observation, new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Method " + method.key() + " takes a client stream and cannot answer a notification"));
			return;
		}
		Object[] arguments;
		ServerSession session;
		try {
			session = session(method, notification.metadata().sessionId());
			arguments = admit(method, notification.payload(), MessageInfo.Kind.NOTIFICATION);
		}
		catch (RpcException ex) {
			logger.warn("Dropping notification from {}: {}", remoteAddress(), ex.getMessage());
			refuse(observation, ex);
			return;
		}
		this.server.dispatch(new ServerCall(this, -1, method, arguments,
				context(method, notification.metadata(), session), observation));
	}

	private static void refuse(CallObservation observation, RpcException error) {
		if (observation != null) {
			observation.stop(error.getStatus(), error);
		}
	}

	private String peer() {
		String text = this.peer;
		if (text == null) {
			SocketAddress address = remoteAddress();
			text = (address != null) ? address.toString() : "unknown";
			this.peer = text;
		}
		return text;
	}

	private RpcContext context(ServerMethod method, Metadata metadata, ServerSession session) {
		long deadline = (metadata.timeoutMillis() > 0) ? System.nanoTime() + metadata.timeoutMillis() * 1_000_000L : 0;
		SocketAddress peer = remoteAddress();
		return new RpcContext(method.key(), peer, metadata.headers(), deadline, metadata.sessionId(),
				metadata.idempotencyKey(), session);
	}

	// The session of a call, created on its first call on this connection. The number of
	// sessions per connection is bounded so that a client cannot make the server keep
	// unbounded state; a session lives until the client ends it or the connection closes.
	private ServerSession session(ServerMethod method, String id) {
		if (id == null) {
			return null;
		}
		ServerSession session = this.sessions.get(id);
		if (session != null) {
			return session;
		}
		if (id.isEmpty() || id.length() > RpcSession.MAX_ID_LENGTH) {
			throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					"A session id must have 1 to " + RpcSession.MAX_ID_LENGTH + " characters, not " + id.length());
		}
		int limit = this.server.maxSessionsPerConnection();
		if (this.sessions.size() >= limit) {
			this.server.rejected(method.key(), "max-sessions");
			logger.warn("Refusing a new easyrpc session from {}: the connection has {} open sessions", remoteAddress(),
					limit);
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "A connection may have at most " + limit
					+ " open sessions (easyrpc.server.max-sessions-per-connection): close sessions that are done");
		}
		session = CONTEXTS.newSession(id);
		this.sessions.put(id, session);
		return session;
	}

	private void endSession(String id) {
		ServerSession session = (id != null) ? this.sessions.remove(id) : null;
		if (session != null) {
			logger.debug("easyrpc session {} from {} ended by the client", id, remoteAddress());
			CONTEXTS.end(session);
		}
	}

	private void endSessions() {
		for (String id : this.sessions.keySet()) {
			ServerSession session = this.sessions.remove(id);
			if (session != null) {
				CONTEXTS.end(session);
			}
		}
	}

	/**
	 * Called by a call, on any thread, once its outcome is known. The outcome is encoded
	 * on that thread, so that a worker, not the event loop, pays for encoding the result
	 * of a blocking method.
	 */
	void complete(ServerCall call, Object result, RpcException error) {
		if (!channel().isActive()) {
			// The connection is gone and its caller was failed when it closed.
			return;
		}
		if (this.inFlight.remove(call.callId()) == null) {
			// Cancelled by the client: it expects no answer.
			return;
		}
		if (error != null) {
			sendError(call.callId(), error);
		}
		else if (call.stream() != null) {
			send(FrameCodec.encodeComplete(channel().alloc(), call.callId()));
		}
		else {
			sendResult(call, result);
		}
	}

	/**
	 * Encode one item of a server stream and send it, on the calling thread.
	 * @param call the streaming call
	 * @param item the item
	 * @throws RpcException if the item cannot be encoded or is larger than the client
	 * accepts
	 */
	void sendNext(ServerCall call, Object item) {
		ServerMethod method = call.method();
		ByteBuf frame;
		try {
			PayloadWriter payload = (packer) -> this.server.codec().write(packer, item, method.resultType());
			ProcessorChain processors = this.server.processors();
			if (!processors.isEmpty()) {
				payload = processors.outbound(new MessageInfo(MessageInfo.Kind.RESPONSE, method.key(), peer()),
						payload);
			}
			frame = FrameCodec.encodeNext(channel().alloc(), call.callId(), payload);
		}
		catch (RpcException ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.warn("Cannot encode an item of easyrpc stream {}", method.key(), ex);
			throw new RpcException(RpcStatus.INTERNAL,
					"Cannot encode an item of " + method.key() + ": " + ex.getMessage());
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "An item of " + method.key() + " is " + size
					+ " bytes, more than the client's maximum frame size of " + peerMaxFrameSize());
		}
		call.messageSent();
		send(frame);
	}

	// An item of a client stream. Items of a call that has ended or whose input was
	// cancelled are dropped: the client may have sent them before it learnt.
	private void onInputItem(Frame.Next next) {
		ServerCall call = this.inFlight.get(next.callId());
		ServerInput input = (call != null) ? call.input() : null;
		if (input == null) {
			return;
		}
		ServerMethod method = call.method();
		Object item;
		try {
			ProcessorChain processors = this.server.processors();
			ByteBuf payload = processors.isEmpty() ? next.payload() : processors
				.inbound(new MessageInfo(MessageInfo.Kind.REQUEST, method.key(), peer()), next.payload());
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
	 * Grant the client credit for more items of its stream. Any thread.
	 * @param call the call
	 * @param n the credit
	 * @param granted called on the event loop with the credit, before it is sent
	 */
	void grantInput(ServerCall call, int n, java.util.function.IntConsumer granted) {
		execute(() -> {
			if (channel().isActive() && this.inFlight.get(call.callId()) == call) {
				granted.accept(n);
				send(FrameCodec.encodeRequestN(channel().alloc(), call.callId(), n));
			}
		});
	}

	/**
	 * Tell the client to stop sending the items of its stream; the call goes on. Any
	 * thread.
	 * @param call the call
	 */
	void cancelInput(ServerCall call) {
		execute(() -> {
			if (channel().isActive() && this.inFlight.get(call.callId()) == call) {
				send(FrameCodec.encodeCancel(channel().alloc(), call.callId(), RpcStatus.CANCELLED));
			}
		});
	}

	boolean isWritable() {
		Channel channel = channel();
		return channel == null || channel.isWritable() || !channel.isActive();
	}

	/**
	 * Run a task once the channel is writable again: at once if it is now.
	 * @param task the task
	 */
	void whenWritable(Runnable task) {
		this.writabilityWaiters.add(task);
		if (isWritable()) {
			runWritabilityWaiters();
		}
	}

	// Runs only the tasks waiting now, and stops as soon as the channel is full again: a
	// task may write, fill the channel and wait again, and must then wait for the next
	// change rather than run again at once.
	private void runWritabilityWaiters() {
		for (int waiting = this.writabilityWaiters.size(); waiting > 0 && isWritable(); waiting--) {
			Runnable task = this.writabilityWaiters.poll();
			if (task == null) {
				return;
			}
			task.run();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		if (ctx.channel().isWritable()) {
			runWritabilityWaiters();
		}
		super.channelWritabilityChanged(ctx);
	}

	ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
		return eventLoop().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
	}

	private void sendResult(ServerCall call, Object result) {
		ServerMethod method = call.method();
		ByteBuf frame;
		try {
			PayloadWriter payload = (packer) -> this.server.codec().write(packer, result, method.resultType());
			ProcessorChain processors = this.server.processors();
			if (!processors.isEmpty()) {
				payload = processors.outbound(new MessageInfo(MessageInfo.Kind.RESPONSE, method.key(), peer()),
						payload);
			}
			frame = FrameCodec.encodeResponse(channel().alloc(), call.callId(), payload);
		}
		catch (RpcException ex) {
			logger.warn("Cannot send the result of easyrpc method {}: {}", method.key(), ex.getMessage());
			sendError(call.callId(), ex);
			return;
		}
		catch (Exception ex) {
			logger.warn("Cannot encode the result of easyrpc method {}", method.key(), ex);
			sendError(call.callId(), new RpcException(RpcStatus.INTERNAL,
					"Cannot encode the result of " + method.key() + ": " + ex.getMessage()));
			return;
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			logger.warn("Result of easyrpc method {} is {} bytes, more than the client accepts ({} bytes)",
					method.key(), size, peerMaxFrameSize());
			sendError(call.callId(), new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Result of " + method.key() + " is "
					+ size + " bytes, more than the client's maximum frame size of " + peerMaxFrameSize()));
			return;
		}
		send(frame);
	}

	private void sendError(int callId, RpcException error) {
		ByteBuf frame = FrameCodec.encodeError(channel().alloc(), callId, error.getStatus(), error.getDescription(),
				error.getRemoteClassName(), error.getRemoteStackTrace());
		if (exceedsPeerLimit(frame)) {
			// An error the client cannot accept would close the connection and fail every
			// other call on it; send it without the stack trace and with a short message.
			frame.release();
			String message = error.getDescription();
			if (message != null && message.length() > MAX_TRUNCATED_MESSAGE) {
				message = message.substring(0, MAX_TRUNCATED_MESSAGE) + "...";
			}
			frame = FrameCodec.encodeError(channel().alloc(), callId, error.getStatus(), message,
					error.getRemoteClassName(), null);
		}
		send(frame);
	}

	/**
	 * Tell the peer that the server goes away and accepts no new calls.
	 * @param status the reason's status
	 * @param message the reason
	 */
	public void goAway(RpcStatus status, String message) {
		execute(() -> {
			if (channel().isActive()) {
				send(FrameCodec.encodeGoAway(channel().alloc(), status, message));
			}
		});
	}

}
