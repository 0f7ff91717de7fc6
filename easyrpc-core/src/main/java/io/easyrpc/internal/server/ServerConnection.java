package io.easyrpc.internal.server;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.logging.RateLimitedLog;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.mprpc.MsgpackRpcException;
import io.easyrpc.internal.mprpc.MsgpackRpcMessage;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.transport.FrameConnection;
import io.easyrpc.internal.transport.InboundMemory;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.internal.transport.SocketAddresses;
import io.easyrpc.middleware.ConnectionMiddleware;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one connection: frame I/O, writability and the connection's
 * lifecycle. It decodes the peer's frames on the event loop and hands calls, streams and
 * sessions to its {@link ServerResponder}; the results are encoded here by the thread
 * that completes the call.
 * <p>
 * When the server has connection middleware or a shared secret, the connection puts a
 * {@link ConnectionSetup} in front of itself as it becomes active: the setup admits the
 * connection and runs the shared-secret handshake, holds what arrives meanwhile, and
 * leaves the pipeline when done. This connection then sees only the frames of an
 * admitted, authenticated peer.
 */
public final class ServerConnection extends FrameConnection {

	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	/** The name of the protocol detection in a pipeline. */
	public static final String DETECTION = ProtocolDetection.NAME;

	private static final int MAX_TRUNCATED_MESSAGE = 1024;

	private static final int MIN_ALIAS = 1 << 30;

	private static final RateLimitedLog warnings = new RateLimitedLog();

	private final ServerRuntime server;

	private final String transport;

	private final long createdAt = System.currentTimeMillis();

	// Streams that paused because the outbound buffer was full.
	private final Queue<Runnable> writabilityWaiters = new ConcurrentLinkedQueue<>();

	private long calls;

	private @Nullable String peer;

	private final boolean authenticates;

	// Null when the server has no connection middleware.
	private final @Nullable ConnectionAdmission admission;

	// Null when the connection needs no setup.
	private final @Nullable ConnectionSetup setup;

	private final ServerResponder responder;

	// Set on the event loop, before the first call is dispatched, once the peer turned
	// out to speak MessagePack-RPC.
	private boolean msgpackRpc;

	// The detection of the peer's protocol while it has not decided yet.
	private @Nullable ProtocolDetection detection;

	// Set when MessagePack-RPC peers are not allowed on this connection.
	private @Nullable RpcException msgpackRpcRefusal;

	// Call ids are non-negative ints (-1 marks a notification), msgids unsigned 32-bit: a
	// msgid beyond the int range is served under an alias from the top of the range,
	// mapped back when the response is sent. Created at the first such msgid.
	private volatile @Nullable Map<Integer, Long> msgidAliases;

	private int nextAlias = Integer.MAX_VALUE;

	// The codec of this connection's payloads, as its client's preface announced.
	private ObjectCodec codec;

	/**
	 * Create the handler of one server connection.
	 * @param server the server the connection belongs to
	 * @param maxFrameSize the largest frame accepted
	 * @param transport how the peer is connected
	 * @param remoteAddress the peer's address for a connection whose channel has no
	 * socket (a message connection), or {@code null}
	 * @param localAddress the local address for a connection whose channel has no socket
	 * (a message connection), or {@code null}
	 */
	public ServerConnection(RpcServer server, int maxFrameSize, String transport, @Nullable SocketAddress remoteAddress,
			@Nullable SocketAddress localAddress) {
		super(maxFrameSize);
		this.server = ServerRuntime.of(server);
		this.transport = transport;
		if (remoteAddress != null) {
			givenAddresses(remoteAddress, localAddress);
		}
		SharedSecret secret = this.server.sharedSecret();
		this.authenticates = secret != null;
		List<ConnectionMiddleware> middleware = this.server.connectionMiddleware();
		this.admission = middleware.isEmpty() ? null : new ConnectionAdmission(middleware);
		this.setup = ConnectionSetup.isNeeded(secret, this.admission)
				? new ConnectionSetup(this, this.server, secret, this.admission) : null;
		this.responder = new ServerResponder(this, this.server, transport);
		this.codec = this.server.codec();
	}

	ServerRuntime server() {
		return this.server;
	}

	ServerResponder responder() {
		return this.responder;
	}

	/**
	 * Return the codec of this connection's payloads: the server's MessagePack codec
	 * unless the client's preface announced another.
	 * @return the codec
	 */
	ObjectCodec codec() {
		return this.codec;
	}

	/**
	 * Return how the peer is connected.
	 * @return the value
	 */
	public String transport() {
		return this.transport;
	}

	/**
	 * Return the protocol the peer speaks.
	 * @return {@link CallInfo#EASYRPC} or {@link CallInfo#MSGPACK_RPC}
	 */
	public String protocol() {
		return this.msgpackRpc ? CallInfo.MSGPACK_RPC : CallInfo.EASYRPC;
	}

	/**
	 * Serve the peer in MessagePack-RPC from now on: no preface, every unit a whole
	 * MessagePack-RPC message, results and errors as MessagePack-RPC responses. Called on
	 * the event loop by the {@link ProtocolDetection} before the peer's first message is
	 * handed on.
	 * @param authenticated whether the peer may call without the shared-secret handshake
	 * (MessagePack-RPC has none)
	 */
	void serveMsgpackRpc(boolean authenticated) {
		this.detection = null;
		this.msgpackRpc = true;
		omitPreface();
		if (this.setup != null) {
			this.setup.msgpackRpc(authenticated);
		}
	}

	/**
	 * Refuse the MessagePack-RPC peer: its first request is answered with this error, and
	 * the connection closes. Event loop only.
	 * @param status the status
	 * @param message why
	 */
	void refuseMsgpackRpc(RpcStatus status, String message) {
		this.msgpackRpcRefusal = new RpcException(status, message);
	}

	/**
	 * Create the handler that tells this connection's peer, by its first bytes, as an
	 * easyrpc or a MessagePack-RPC peer; it goes in front of the easyrpc framing, behind
	 * TLS.
	 * @param enabled whether MessagePack-RPC is served: {@code null} for unless the
	 * server requires a shared secret
	 * @param maxMessageSize the largest MessagePack-RPC message accepted
	 * @param memory the budget of incomplete messages, or {@code null}
	 * @return the handler
	 */
	public ChannelHandler protocolDetection(@Nullable Boolean enabled, int maxMessageSize,
			@Nullable InboundMemory memory) {
		ProtocolDetection detection = new ProtocolDetection(this, enabled, maxMessageSize, memory);
		this.detection = detection;
		return detection;
	}

	/**
	 * Settle the protocol as easyrpc if the peer has sent nothing yet: the server ends
	 * the connection for a reason of its own (a refusal, an authentication timeout), and
	 * what it wrote must go out. Event loop only.
	 */
	void settleProtocol() {
		ProtocolDetection pending = this.detection;
		if (pending != null) {
			this.detection = null;
			pending.settle();
		}
	}

	// A connection whose peer has said nothing yet holds its writes in the protocol
	// detection: the server closing it decides for easyrpc, so the preface and a GOAWAY
	// go out and the close goes through.
	@Override
	protected void beforeClose() {
		settleProtocol();
	}

	boolean isMsgpackRpc() {
		return this.msgpackRpc;
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
		return this.responder.sessionCount();
	}

	// The setup goes in front of this handler once the pipeline is complete: a transport
	// passes channelActive on only when it is ready to carry frames, and a customizer may
	// have added handlers in front of this one before.
	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		if (this.setup != null) {
			ctx.pipeline().addBefore(ctx.name(), ConnectionSetup.NAME, this.setup);
		}
		this.server.connectionOpened(this);
		super.channelActive(ctx);
	}

	@Override
	protected void prefaceWritten(ChannelHandlerContext ctx) {
		if (this.setup != null) {
			this.setup.prefaceWritten();
		}
	}

	@Override
	protected int prefaceFlags() {
		return (this.authenticates ? Preface.FLAG_AUTH : 0)
				| ((this.server.jsonCodec() != null) ? Preface.FLAG_JSON : 0);
	}

	@Override
	protected void prefaceReceived(Preface preface) {
		super.prefaceReceived(preface);
		CodecFormat format = preface.codec();
		if (format == null) {
			throw new ProtocolException(RpcStatus.INVALID_ARGUMENT,
					"Unknown payload codec " + preface.codecNumber() + " in the client's preface");
		}
		if (format == CodecFormat.JSON) {
			ObjectCodec json = this.server.jsonCodec();
			if (json == null) {
				throw new ProtocolException(RpcStatus.INVALID_ARGUMENT,
						"This server does not accept the JSON codec: use MessagePack");
			}
			this.codec = json;
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.server.connectionClosed(this);
		if (this.admission != null) {
			this.admission.closed();
		}
		this.responder.closed();
		runWritabilityWaiters();
		super.channelInactive(ctx);
	}

	@Override
	protected void bodyReceived(ByteBuf body) {
		if (this.msgpackRpc) {
			msgpackRpcReceived(body);
		}
		else {
			super.bodyReceived(body);
		}
	}

	// A MessagePack-RPC request or notification becomes the frame an easyrpc client would
	// have sent, without metadata, and takes the same path from here. A malformed message
	// whose msgid is known is answered; any other ends the connection.
	private void msgpackRpcReceived(ByteBuf body) {
		MsgpackRpcMessage message;
		try {
			message = MsgpackRpcCodec.decode(body);
		}
		catch (MsgpackRpcException ex) {
			if (ex.msgid() < 0) {
				throw ex;
			}
			warnings.warn(logger, "msgpack-rpc-malformed", "Refusing a MessagePack-RPC request from {}: {}",
					remoteAddress(), LogSafe.text(ex.getMessage()));
			send(MsgpackRpcCodec.encodeError(channel().alloc(), ex.msgid(), ex.getStatus(), ex.getMessage(), null));
			return;
		}
		if (this.msgpackRpcRefusal != null) {
			if (!hasFailed()) {
				if (message instanceof MsgpackRpcMessage.Request request) {
					sendError(callIdOf(request.msgid()), this.msgpackRpcRefusal);
				}
				abort(this.msgpackRpcRefusal.getStatus(), this.msgpackRpcRefusal.getMessage());
			}
			return;
		}
		if (message instanceof MsgpackRpcMessage.Request request) {
			this.calls++;
			String refusal = msgpackRpcRefusal(request.method());
			if (refusal != null) {
				send(MsgpackRpcCodec.encodeError(channel().alloc(), request.msgid(), RpcStatus.INVALID_ARGUMENT,
						refusal, null));
				return;
			}
			this.responder.onRequest(new Frame.Request(callIdOf(request.msgid()), request.method(), Metadata.EMPTY,
					MsgpackRpcParams.arguments(this.server.registry().lookup(request.method()), request.params())));
		}
		else if (message instanceof MsgpackRpcMessage.Notification notification) {
			this.calls++;
			String refusal = msgpackRpcRefusal(notification.method());
			if (refusal != null) {
				warnings.warn(logger, "refused-notification", "Dropping MessagePack-RPC notification from {}: {}",
						remoteAddress(), LogSafe.text(refusal));
				return;
			}
			this.responder.onNotification(new Frame.Notification(notification.method(), Metadata.EMPTY, MsgpackRpcParams
				.arguments(this.server.registry().lookup(notification.method()), notification.params())));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Ignoring a MessagePack-RPC response from {}: this server sends no requests", remoteAddress());
		}
	}

	private int callIdOf(long msgid) {
		if (msgid <= Integer.MAX_VALUE) {
			return (int) msgid;
		}
		Map<Integer, Long> aliases = this.msgidAliases;
		if (aliases == null) {
			aliases = new ConcurrentHashMap<>();
			this.msgidAliases = aliases;
		}
		int alias;
		do {
			alias = this.nextAlias;
			this.nextAlias = (alias == MIN_ALIAS) ? Integer.MAX_VALUE : alias - 1;
		}
		while (aliases.containsKey(alias));
		aliases.put(alias, msgid);
		return alias;
	}

	private long msgidOf(int callId) {
		Map<Integer, Long> aliases = this.msgidAliases;
		if (aliases != null) {
			Long msgid = aliases.remove(callId);
			if (msgid != null) {
				return msgid;
			}
		}
		return Integer.toUnsignedLong(callId);
	}

	// Streams, sessions and forwarding are easyrpc's own.
	private @Nullable String msgpackRpcRefusal(String methodKey) {
		if (methodKey.equals(RpcSession.END_METHOD)) {
			return "Sessions are easyrpc-only: " + methodKey + " cannot be called over MessagePack-RPC";
		}
		ServerMethod method = this.server.registry().lookup(methodKey);
		if (method == null) {
			return (this.server.route(methodKey) != null)
					? "Method " + methodKey + " is forwarded to another server, which only easyrpc clients can reach"
					: null;
		}
		if (method.callStyle().isStreaming() || method.streamParameter() >= 0) {
			return "Method " + methodKey
					+ " is a stream; streams are easyrpc-only and cannot be called over MessagePack-RPC";
		}
		return null;
	}

	@Override
	protected ByteBuf goAwayMessage(RpcStatus status, String message) {
		if (this.msgpackRpc) {
			return Unpooled.EMPTY_BUFFER;
		}
		settleProtocol();
		return super.goAwayMessage(status, message);
	}

	@Override
	protected void frameReceived(Frame frame) {
		if (frame instanceof Frame.Request request) {
			this.calls++;
			this.responder.onRequest(request);
		}
		else if (frame instanceof Frame.Notification notification) {
			this.calls++;
			this.responder.onNotification(notification);
		}
		else if (frame instanceof Frame.Cancel cancel) {
			this.responder.onCancel(cancel);
		}
		else if (frame instanceof Frame.Next next) {
			this.responder.onInputItem(next);
		}
		else if (frame instanceof Frame.Complete complete) {
			this.responder.onInputEnd(complete.callId(), null);
		}
		else if (frame instanceof Frame.Error error) {
			this.responder.onInputEnd(error.callId(),
					new RpcException(RpcStatus.fromCode(error.statusCode()), error.message()));
		}
		else if (frame instanceof Frame.RequestN requestN) {
			this.responder.onRequestN(requestN);
		}
		else if (frame instanceof Frame.Ping ping) {
			send(FrameCodec.encodePing(channel().alloc(), true, ping.data()));
		}
		else if (frame instanceof Frame.GoAway) {
			channel().close();
		}
		else if (frame instanceof Frame.AuthResponse) {
			abort(RpcStatus.INVALID_ARGUMENT, "Unexpected AUTH_RESPONSE: "
					+ (this.authenticates ? "already authenticated" : "this server asked for no authentication"));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Ignoring {} frame from {}", frame.type(), remoteAddress());
		}
	}

	@Override
	protected void idle(IdleStateEvent event) {
		if (this.responder.isIdle()) {
			logger.debug("Closing idle easyrpc connection from {}", remoteAddress());
			closeWithGoAway(RpcStatus.UNAVAILABLE, "Connection closed after the idle timeout");
		}
	}

	/**
	 * End the connection during its setup: no further frame is acted on, and the peer
	 * gets a {@code GOAWAY} frame before the connection closes.
	 * @param status the reason
	 * @param message the message
	 */
	void refuse(RpcStatus status, String message) {
		abort(status, message);
	}

	/**
	 * Run a task on the event loop: now if already on it, else soon.
	 * @param task the task
	 */
	void onEventLoop(Runnable task) {
		execute(task);
	}

	String peer() {
		String text = this.peer;
		if (text == null) {
			SocketAddress address = remoteAddress();
			text = (address != null || CallInfo.UNIX.equals(this.transport))
					? SocketAddresses.describePeer(address, localAddress()) : "unknown";
			this.peer = text;
		}
		return text;
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
			PayloadWriter payload = (packer) -> this.codec.write(packer, item, method.resultType());
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

	void sendResult(ServerCall call, Object result) {
		ServerMethod method = call.method();
		ByteBuf frame;
		try {
			PayloadWriter payload = (packer) -> this.codec.write(packer, result, method.resultType());
			ProcessorChain processors = this.server.processors();
			if (!processors.isEmpty()) {
				payload = processors.outbound(new MessageInfo(MessageInfo.Kind.RESPONSE, method.key(), peer()),
						payload);
			}
			frame = this.msgpackRpc ? MsgpackRpcCodec.encodeResult(channel().alloc(), msgidOf(call.callId()), payload)
					: FrameCodec.encodeResponse(channel().alloc(), call.callId(), payload);
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

	/**
	 * Send a frame unless it is larger than the peer accepts. Any thread.
	 * @param frame the frame; ownership passes to this method
	 * @return {@code false} if it was too large and released instead
	 */
	boolean sendWithinPeerLimit(ByteBuf frame) {
		if (exceedsPeerLimit(frame)) {
			frame.release();
			return false;
		}
		send(frame);
		return true;
	}

	/**
	 * Send a result encoded before, kept for the re-sends of a de-duplicated call; the
	 * payload processors run on it for each send.
	 * @param callId the call id
	 * @param method the method
	 * @param payload the result as MessagePack
	 */
	void sendEncodedResult(int callId, ServerMethod method, byte[] payload) {
		ByteBuf frame;
		try {
			PayloadWriter writer = (packer) -> packer.writePayload(payload);
			ProcessorChain processors = this.server.processors();
			if (!processors.isEmpty()) {
				writer = processors.outbound(new MessageInfo(MessageInfo.Kind.RESPONSE, method.key(), peer()), writer);
			}
			frame = this.msgpackRpc ? MsgpackRpcCodec.encodeResult(channel().alloc(), msgidOf(callId), writer)
					: FrameCodec.encodeResponse(channel().alloc(), callId, writer);
		}
		catch (RpcException ex) {
			sendError(callId, ex);
			return;
		}
		catch (Exception ex) {
			sendError(callId, new RpcException(RpcStatus.INTERNAL,
					"Cannot encode the result of " + method.key() + ": " + ex.getMessage()));
			return;
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			sendError(callId, new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Result of " + method.key() + " is " + size
					+ " bytes, more than the client's maximum frame size of " + peerMaxFrameSize()));
			return;
		}
		send(frame);
	}

	void sendError(int callId, RpcException error) {
		if (this.msgpackRpc) {
			String message = error.getDescription();
			if (message != null && message.length() > MAX_TRUNCATED_MESSAGE) {
				message = message.substring(0, MAX_TRUNCATED_MESSAGE) + "...";
			}
			send(MsgpackRpcCodec.encodeError(channel().alloc(), msgidOf(callId), error.getStatus(),
					(message != null) ? message : error.getStatus().name(), error.getRemoteClassName()));
			return;
		}
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
			if (channel().isActive() && !this.msgpackRpc) {
				send(FrameCodec.encodeGoAway(channel().alloc(), status, message));
			}
		});
	}

}
