package io.easyrpc.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.internal.transport.FrameConnection;
import io.easyrpc.transport.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection: encodes requests, matches the server's frames to
 * their calls and fails every pending call at once when the connection closes. The calls'
 * bookkeeping (ids, the pending table, deadlines, keep-alive) is its
 * {@link ClientRequester}'s. Everything but {@link #start(ClientCall)} and the stream
 * methods runs on the event loop, so the pending table needs no lock.
 * <p>
 * When added to a pipeline the connection puts a {@link ClientHandshake} in front of
 * itself, which completes {@link #ready()} and then leaves.
 */
final class ClientConnection extends FrameConnection {

	private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

	private final Subchannel owner;

	private final ObjectCodec codec;

	private final ProcessorChain processors;

	private final ClientRequester requester;

	private final ClientHandshake handshake;

	private volatile boolean goingAway;

	private volatile boolean closed;

	private RpcStatus goAwayStatus;

	private volatile boolean closingWhenIdle;

	private String goAwayMessage;

	private final CompletableFuture<ClientConnection> ready = new CompletableFuture<>();

	private String tlsFailure;

	// Pings of ping() waiting for their pong, by their data. On the event loop.
	private final Map<Long, PendingPing> pings = new HashMap<>();

	// The I/O error that closed the connection, if any.
	private volatile Throwable ioFailure;

	ClientConnection(Subchannel owner, ObjectCodec codec, ProcessorChain processors, int maxFrameSize,
			long prefaceTimeoutMillis, long keepAliveNanos, SharedSecret secret) {
		super(maxFrameSize);
		this.owner = owner;
		this.codec = codec;
		this.processors = processors;
		this.requester = new ClientRequester(this, keepAliveNanos);
		this.handshake = new ClientHandshake(this, owner.address(), prefaceTimeoutMillis, secret);
	}

	/**
	 * Return the future that completes once the server's preface has arrived (and, with
	 * TLS, the handshake is done), so that its protocol version and frame size limit are
	 * known before the first call is sent, and with a shared secret once the
	 * authentication handshake has succeeded. It fails if the connection cannot be made,
	 * TLS fails, the server refuses the connection or it closes first; a refusal by the
	 * server fails it with an {@link RpcException} carrying the refusal's status, for
	 * authentication {@link RpcStatus#UNAUTHENTICATED}.
	 */
	CompletableFuture<ClientConnection> ready() {
		return this.ready;
	}

	void connectFailed(Throwable cause) {
		this.ready.completeExceptionally(cause);
	}

	// The payload codec goes into the preface: a server decodes the connection's
	// payloads with the codec announced there.
	@Override
	protected int prefaceFlags() {
		return Preface.codecFlags(this.codec.format());
	}

	CodecFormat codecFormat() {
		return this.codec.format();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		super.handlerAdded(ctx);
		this.requester.attach(eventLoop());
		ctx.pipeline().addBefore(ctx.name(), "easyrpcHandshake", this.handshake);
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		super.channelActive(ctx);
		this.requester.start();
	}

	@Override
	protected void tlsFailed(Throwable cause, boolean peerConnected) {
		this.tlsFailure = "TLS handshake with " + this.owner.address() + " failed: " + Tls.describe(cause);
		logger.debug(this.tlsFailure);
		if (!this.ready.isDone()) {
			// No cause: the message is what callers see, and it says it all.
			this.ready.completeExceptionally(new SSLException(this.tlsFailure));
		}
	}

	// Ends the connection with a GOAWAY that tells the server why.
	void abortConnection(RpcStatus status, String message) {
		abort(status, message);
	}

	// Whether a frame went out since the last check: keep-alive pings only a quiet
	// connection.
	boolean wroteSinceLastCheck() {
		return checkWritten();
	}

	void sendPing(long data) {
		send(FrameCodec.encodePing(channel().alloc(), false, data));
	}

	/**
	 * Send a ping and time the server's pong. Any thread.
	 * @param timeoutNanos how long to wait for the pong
	 * @return the round trip; fails with {@link RpcStatus#DEADLINE_EXCEEDED} without a
	 * pong in time and with {@link RpcStatus#UNAVAILABLE} if the connection closes first
	 */
	CompletableFuture<Duration> ping(long timeoutNanos) {
		CompletableFuture<Duration> result = new CompletableFuture<>();
		try {
			execute(() -> ping0(result, timeoutNanos));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(new RpcException(RpcStatus.UNAVAILABLE, closedMessage()));
		}
		return result;
	}

	private void ping0(CompletableFuture<Duration> result, long timeoutNanos) {
		if (this.closed || !channel().isActive()) {
			result.completeExceptionally(new RpcException(RpcStatus.UNAVAILABLE, closedMessage()));
			return;
		}
		long data = this.requester.nextPingData();
		ScheduledFuture<?> timer = eventLoop().schedule(() -> {
			PendingPing timedOut = this.pings.remove(data);
			if (timedOut != null) {
				timedOut.result.completeExceptionally(new RpcException(RpcStatus.DEADLINE_EXCEEDED, "No pong from "
						+ this.owner.address() + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
			}
		}, timeoutNanos, TimeUnit.NANOSECONDS);
		this.pings.put(data, new PendingPing(result, this.requester.nanoTime(), timer));
		sendPing(data);
	}

	private void pong(long data) {
		PendingPing ping = this.pings.remove(data);
		if (ping != null) {
			ping.timer.cancel(false);
			ping.result.complete(Duration.ofNanos(Math.max(0, this.requester.nanoTime() - ping.sentAt)));
		}
	}

	private void failPings() {
		if (this.pings.isEmpty()) {
			return;
		}
		List<PendingPing> failed = new ArrayList<>(this.pings.values());
		this.pings.clear();
		for (PendingPing ping : failed) {
			ping.timer.cancel(false);
			ping.result.completeExceptionally(new RpcException(RpcStatus.UNAVAILABLE, closedMessage()));
		}
	}

	private record PendingPing(CompletableFuture<Duration> result, long sentAt, ScheduledFuture<?> timer) {
	}

	private String peer() {
		return this.owner.addressText();
	}

	boolean isUsable() {
		return !this.goingAway && !this.closed && !this.closingWhenIdle;
	}

	// Takes no new calls and closes once the pending ones have ended; checked again each
	// time one of them ends.
	// On the event loop.
	private void closeIfIdle() {
		if (!this.closed && this.requester.pendingCount() == 0) {
			this.closed = true;
			closeAfterFlush();
		}
	}

	boolean isClosingWhenIdle() {
		return this.closingWhenIdle;
	}

	void closeWhenIdle() {
		this.closingWhenIdle = true;
		try {
			execute(this::closeIfIdle);
		}
		catch (RejectedExecutionException ex) {
			// The event loop is gone, and the connection with it.
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	boolean inEventLoop() {
		return eventLoop() != null && eventLoop().inEventLoop();
	}

	int pendingCount() {
		return this.requester.pendingCount();
	}

	void start(ClientCall call) {
		try {
			execute(() -> start0(call));
		}
		catch (RejectedExecutionException ex) {
			call.router.resend(call, this.owner, RpcStatus.UNAVAILABLE,
					"Connection to " + this.owner.address() + " is shutting down");
		}
	}

	private void start0(ClientCall call) {
		if (call.isDone()) {
			return;
		}
		if (this.closed) {
			// Closed by a GOAWAY: the call fails with its status, for example
			// RESOURCE_EXHAUSTED when the server refused the connection.
			// Never sent: another instance may take it.
			call.router.resend(call, this.owner,
					(this.goAwayStatus != null) ? this.goAwayStatus : RpcStatus.UNAVAILABLE,
					"Connection to " + this.owner.address() + " is closed"
							+ ((this.goAwayMessage != null) ? ": " + this.goAwayMessage : ""));
			return;
		}
		long remaining = this.requester.remainingNanos(call);
		if (remaining <= 0) {
			call.deadlineExceeded();
			return;
		}
		int callId = call.oneWay ? 0 : this.requester.nextCallId();
		Metadata metadata = call.metadata;
		if (call.deadlineNanos != 0) {
			// The deadline on the wire counts from now: the call may have waited for the
			// connection.
			long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
			if (timeoutMillis != metadata.timeoutMillis()) {
				metadata = new Metadata(timeoutMillis, metadata.idempotencyKey(), metadata.sessionId(),
						metadata.headers());
			}
		}
		PayloadWriter payload = (call instanceof ForwardedCall forwarded)
				? (packer) -> packer.writePayload(forwarded.payload) : (packer) -> {
					String[] names = call.argumentNames;
					if (names == null) {
						packer.packArrayHeader(call.arguments.length);
						for (int i = 0; i < call.arguments.length; i++) {
							this.codec.write(packer, call.arguments[i], call.argumentTypes[i]);
						}
					}
					else {
						packer.packMapHeader(call.arguments.length);
						for (int i = 0; i < call.arguments.length; i++) {
							packer.packString(names[i]);
							this.codec.write(packer, call.arguments[i], call.argumentTypes[i]);
						}
					}
				};
		ByteBuf frame;
		try {
			if (!this.processors.isEmpty()) {
				payload = this.processors
					.outbound(new MessageInfo(call.oneWay ? MessageInfo.Kind.NOTIFICATION : MessageInfo.Kind.REQUEST,
							call.method, peer()), payload);
			}
			frame = call.oneWay ? FrameCodec.encodeNotification(channel().alloc(), call.method, metadata, payload)
					: FrameCodec.encodeRequest(channel().alloc(), callId, call.method, metadata, payload);
		}
		catch (RpcException ex) {
			call.fail(ex);
			return;
		}
		catch (Exception ex) {
			call.fail(new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Cannot encode the arguments of " + call.method + ": " + ex.getMessage(), ex));
			return;
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			call.fail(RpcStatus.RESOURCE_EXHAUSTED, "Request to " + call.method + " is " + size
					+ " bytes, more than the server's maximum frame size of " + peerMaxFrameSize() + " bytes");
			return;
		}
		if (call.oneWay) {
			send(frame);
			call.complete(null);
			return;
		}
		call.callId = callId;
		if (call.timer != null) {
			// The timer that watched the wait for the connection.
			call.timer.cancel(false);
			call.timer = null;
		}
		call.connection = this;
		if (call.isDone()) {
			// Cancelled while being started: the canceller may have missed this
			// connection, so the request is not sent at all.
			frame.release();
			return;
		}
		this.requester.add(call);
		send(frame);
		if (call instanceof ClientStream stream) {
			// The first credit follows the request at once, in the same flush.
			stream.outstanding = stream.window;
			send(FrameCodec.encodeRequestN(channel().alloc(), callId, stream.window));
		}
		if (call.upload != null) {
			call.upload.start(this);
		}
		if (call instanceof ForwardedCall forwarded) {
			forwarded.sent(this);
		}
	}

	/**
	 * Send an encoded item of a forwarded call's input stream, on the calling thread.
	 * @param call the call
	 * @param item the encoded item
	 */
	void forwardNext(ForwardedCall call, byte[] item) {
		ByteBuf frame;
		try {
			PayloadWriter payload = (packer) -> packer.writePayload(item);
			if (!this.processors.isEmpty()) {
				payload = this.processors.outbound(new MessageInfo(MessageInfo.Kind.REQUEST, call.method, peer()),
						payload);
			}
			frame = FrameCodec.encodeNext(channel().alloc(), call.callId, payload);
		}
		catch (RpcException ex) {
			call.fail(ex);
			call.router.cancelled(call);
			return;
		}
		catch (Exception ex) {
			call.fail(new RpcException(RpcStatus.INTERNAL,
					"Cannot forward an item of " + call.method + ": " + ex.getMessage(), ex));
			call.router.cancelled(call);
			return;
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			call.fail(RpcStatus.RESOURCE_EXHAUSTED, "An item of the stream argument of " + call.method + " is " + size
					+ " bytes, more than the server's maximum frame size of " + peerMaxFrameSize());
			call.router.cancelled(call);
			return;
		}
		call.messagesSent++;
		send(frame);
	}

	/**
	 * Grant the server of a forwarded call credit for more items. Any thread.
	 * @param call the call
	 * @param n the credit
	 */
	void forwardRequestN(ForwardedCall call, int n) {
		execute(() -> {
			if (!this.closed && this.requester.isPending(call)) {
				send(FrameCodec.encodeRequestN(channel().alloc(), call.callId, n));
			}
		});
	}

	// The payload of a forwarded call's answer as the relay gets it: processed, still
	// encoded.
	private ByteBuf forwardedPayload(ForwardedCall call, ByteBuf payload) {
		return this.processors.isEmpty() ? payload
				: this.processors.inbound(new MessageInfo(MessageInfo.Kind.RESPONSE, call.method, peer()), payload);
	}

	/**
	 * Encode one item of a client stream and send it, on the calling thread.
	 * @param call the call
	 * @param upload the call's upload
	 * @param item the item
	 * @throws RpcException if the item cannot be encoded or is larger than the server
	 * accepts
	 */
	void sendUploadItem(ClientCall call, ClientUpload upload, Object item) {
		ByteBuf frame;
		try {
			PayloadWriter payload = (packer) -> this.codec.write(packer, item, upload.itemType);
			if (!this.processors.isEmpty()) {
				payload = this.processors.outbound(new MessageInfo(MessageInfo.Kind.REQUEST, call.method, peer()),
						payload);
			}
			frame = FrameCodec.encodeNext(channel().alloc(), call.callId, payload);
		}
		catch (RpcException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Cannot encode an item of the stream argument of " + call.method + ": " + ex.getMessage(), ex);
		}
		if (exceedsPeerLimit(frame)) {
			int size = frame.readableBytes();
			frame.release();
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "An item of the stream argument of " + call.method
					+ " is " + size + " bytes, more than the server's maximum frame size of " + peerMaxFrameSize());
		}
		call.messagesSent++;
		send(frame);
	}

	/**
	 * Send the end of a client stream: {@code COMPLETE}, or {@code ERROR} with the
	 * failure. Any thread.
	 * @param call the call
	 * @param failure the failure, or {@code null}
	 */
	void endUpload(ClientCall call, RpcException failure) {
		execute(() -> {
			if (!this.closed && this.requester.isPending(call)) {
				send((failure != null)
						? FrameCodec.encodeError(channel().alloc(), call.callId, failure.getStatus(),
								failure.getDescription(), null, null)
						: FrameCodec.encodeComplete(channel().alloc(), call.callId));
			}
		});
	}

	/**
	 * Grant a stream credit for more items. Any thread.
	 * @param stream the stream
	 * @param n the credit
	 */
	void requestN(ClientStream stream, int n) {
		execute(() -> {
			if (!this.closed && this.requester.isPending(stream)) {
				stream.outstanding += n;
				send(FrameCodec.encodeRequestN(channel().alloc(), stream.callId, n));
			}
		});
	}

	void cancel(ClientCall call) {
		execute(() -> {
			if (this.requester.removeCancelled(call)) {
				sendCancel(call.callId, RpcStatus.CANCELLED);
				if (this.closingWhenIdle) {
					closeIfIdle();
				}
			}
		});
	}

	void sendCancel(int callId, RpcStatus reason) {
		if (!this.closed) {
			send(FrameCodec.encodeCancel(channel().alloc(), callId, reason));
		}
	}

	@Override
	protected void frameReceived(Frame frame) {
		if (frame instanceof Frame.Next next) {
			onNext(next);
		}
		else if (frame instanceof Frame.RequestN requestN) {
			ClientCall call = this.requester.get(requestN.callId());
			if (call != null && call.upload != null) {
				call.upload.credit(requestN.n());
			}
			else if (call instanceof ForwardedCall forwarded) {
				forwarded.relay.onRequestN(requestN.n());
			}
		}
		else if (frame instanceof Frame.Cancel cancel) {
			ClientCall call = this.requester.get(cancel.callId());
			if (call != null && call.upload != null) {
				call.upload.stop();
			}
			else if (call instanceof ForwardedCall forwarded) {
				forwarded.relay.onCancelInput();
			}
		}
		else if (frame instanceof Frame.Complete complete) {
			ClientCall call = this.requester.remove(complete.callId());
			if (call != null) {
				call.complete(null);
			}
		}
		else if (frame instanceof Frame.Response response) {
			ClientCall call = this.requester.remove(response.callId());
			if (call instanceof ForwardedCall forwarded) {
				try {
					forwarded.relay.onResponse(forwardedPayload(forwarded, response.payload()));
					forwarded.complete(null);
				}
				catch (RpcException ex) {
					forwarded.fail(ex);
				}
			}
			else if (call != null) {
				try {
					ByteBuf payload = this.processors.isEmpty() ? response.payload() : this.processors
						.inbound(new MessageInfo(MessageInfo.Kind.RESPONSE, call.method, peer()), response.payload());
					Object result = this.codec.read(MessagePackBuffers.get().unpacker(payload), call.resultType);
					if (call instanceof ClientStream stream) {
						// A method that is not a stream on the server answers with one
						// item.
						stream.onNext(result);
						stream.complete(null);
					}
					else {
						call.complete(result);
					}
				}
				catch (RpcException ex) {
					call.fail(ex);
				}
				catch (RuntimeException | java.io.IOException ex) {
					call.fail(new RpcException(RpcStatus.INTERNAL,
							"Cannot decode the result of " + call.method + ": " + ex.getMessage(), ex));
				}
			}
		}
		else if (frame instanceof Frame.Error error) {
			ClientCall call = this.requester.remove(error.callId());
			if (call != null && Frame.Error.NOT_STARTED.equals(error.errorClass())) {
				// Refused before it started: another instance may take it.
				call.router.resend(call, this.owner, RpcStatus.fromCode(error.statusCode()), error.message());
			}
			else if (call != null) {
				if (call instanceof ForwardedCall forwarded) {
					forwarded.relay.onError(error);
				}
				call.fail(new RpcException(RpcStatus.fromCode(error.statusCode()), error.message(), error.errorClass(),
						error.stackTrace(), null));
			}
		}
		else if (frame instanceof Frame.Ping ping) {
			send(FrameCodec.encodePing(channel().alloc(), true, ping.data()));
		}
		else if (frame instanceof Frame.GoAway goAway) {
			this.goingAway = true;
			this.goAwayStatus = RpcStatus.fromCode(goAway.statusCode());
			this.goAwayMessage = goAway.message();
			logger.debug("Server {} sent GOAWAY {}: {}", this.owner.address(), this.goAwayStatus,
					LogSafe.text(goAway.message()));
			this.owner.connectionGoingAway(this);
			// Requests sent before the GOAWAY arrived are answered, if only as not
			// started; then the connection has nothing left to do.
			closeWhenIdle();
		}
		else if (frame instanceof Frame.AuthChallenge || frame instanceof Frame.AuthOk) {
			// The handshake is over: the server breaks the protocol.
			abort(RpcStatus.INVALID_ARGUMENT, "Unexpected " + frame.type());
		}
		else if (frame instanceof Frame.Pong pong) {
			pong(pong.data());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Ignoring {} frame from {}", frame.type(), remoteAddress());
		}
	}

	private void onNext(Frame.Next next) {
		ClientCall call = this.requester.get(next.callId());
		if (!(call instanceof ClientStream stream)) {
			if (call instanceof ForwardedCall forwarded) {
				try {
					forwarded.relay.onNext(forwardedPayload(forwarded, next.payload()));
					forwarded.messagesReceived++;
				}
				catch (RpcException ex) {
					this.requester.remove(next.callId());
					forwarded.fail(ex);
					sendCancel(next.callId(), RpcStatus.CANCELLED);
				}
			}
			else if (call != null) {
				this.requester.remove(next.callId());
				call.fail(RpcStatus.INTERNAL,
						"Server sent a stream item for " + call.method + ", which is not a stream");
				sendCancel(next.callId(), RpcStatus.CANCELLED);
			}
			return;
		}
		if (--stream.outstanding < 0) {
			this.requester.remove(next.callId());
			stream.fail(RpcStatus.INTERNAL, "Server sent more items of " + stream.method + " than were requested");
			sendCancel(next.callId(), RpcStatus.CANCELLED);
			return;
		}
		Object item;
		try {
			ByteBuf payload = this.processors.isEmpty() ? next.payload() : this.processors
				.inbound(new MessageInfo(MessageInfo.Kind.RESPONSE, stream.method, peer()), next.payload());
			item = this.codec.read(MessagePackBuffers.get().unpacker(payload), stream.resultType);
		}
		catch (RpcException ex) {
			this.requester.remove(next.callId());
			stream.fail(ex);
			sendCancel(next.callId(), RpcStatus.CANCELLED);
			return;
		}
		catch (RuntimeException | java.io.IOException ex) {
			this.requester.remove(next.callId());
			stream.fail(new RpcException(RpcStatus.INTERNAL,
					"Cannot decode an item of " + stream.method + ": " + ex.getMessage(), ex));
			sendCancel(next.callId(), RpcStatus.CANCELLED);
			return;
		}
		stream.messagesReceived++;
		stream.onNext(item);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.closed = true;
		this.owner.connectionClosed(this);
		RpcStatus status = (this.goAwayStatus != null) ? this.goAwayStatus : RpcStatus.UNAVAILABLE;
		this.requester.closed(status, closedMessage());
		failPings();
		super.channelInactive(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (this.ioFailure == null) {
			this.ioFailure = cause;
		}
		super.exceptionCaught(ctx, cause);
	}

	// Why a connection that was made is gone, for the log line of a lost connection.
	String lossReason() {
		if (this.goAwayStatus != null) {
			return "the server sent GOAWAY " + this.goAwayStatus
					+ ((this.goAwayMessage != null) ? " (" + this.goAwayMessage + ")" : "");
		}
		Throwable failure = this.ioFailure;
		if (failure != null) {
			String message = failure.getMessage();
			return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
		}
		return "closed by the peer";
	}

	// Why the pending calls fail when the connection closes.
	String closedMessage() {
		return "Connection to " + this.owner.address() + " closed"
				+ ((this.goAwayMessage != null) ? ": " + this.goAwayMessage
						: (this.tlsFailure != null) ? " after a TLS failure (" + this.tlsFailure + ")" : "");
	}

}
