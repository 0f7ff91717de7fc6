package io.easyrpc.internal.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.ProcessorChain;
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
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection: assigns call ids, keeps the table of pending calls,
 * matches responses to calls and fails every pending call at once when the connection
 * closes. Everything but {@link #start(ClientCall)} runs on the event loop, so the
 * pending table needs no lock.
 * <p>
 * The connection is ready for calls once the server's preface has arrived, on TLS the
 * handshake is done and, with a shared secret, the authentication handshake has succeeded
 * both ways: the server accepted this side's proof and proved in {@code AUTH_OK} that it
 * knows the secret too. A server whose preface does not ask for authentication is
 * refused, so that a server started without its secret is noticed. Readiness is decided
 * at the end of a read: a server that answers its preface with a {@code GOAWAY} in the
 * same read refused the connection, which then counts as a failed attempt, not as a
 * connection that closed.
 */
final class ClientConnection extends FrameConnection {

	private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

	private final Subchannel owner;

	private final ObjectCodec codec;

	private final ProcessorChain processors;

	private final IntObjectMap<ClientCall> pending = new IntObjectHashMap<>();

	private int nextCallId = 1;

	private volatile boolean goingAway;

	private volatile boolean closed;

	private RpcStatus goAwayStatus;

	private String goAwayMessage;

	private long pingData;

	private final CompletableFuture<ClientConnection> ready = new CompletableFuture<>();

	private final long prefaceTimeoutMillis;

	private boolean tls;

	// Whether TLS is done: true at once without TLS.
	private boolean tlsDone;

	private String tlsFailure;

	private ScheduledFuture<?> prefaceTimer;

	private final SharedSecret secret;

	private boolean prefaceReceived;

	private Handshake handshake = Handshake.NONE;

	private byte[] serverNonce;

	private byte[] clientNonce;

	private final long keepAliveNanos;

	private ScheduledFuture<?> keepAliveTask;

	private final Runnable deadlineScanTask = this::scanDeadlines;

	private ScheduledFuture<?> deadlineScan;

	private long deadlineScanAt;

	ClientConnection(Subchannel owner, ObjectCodec codec, ProcessorChain processors, int maxFrameSize,
			long prefaceTimeoutMillis, long keepAliveNanos, SharedSecret secret) {
		super(maxFrameSize);
		this.owner = owner;
		this.codec = codec;
		this.processors = processors;
		this.prefaceTimeoutMillis = prefaceTimeoutMillis;
		this.keepAliveNanos = keepAliveNanos;
		this.secret = secret;
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

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.tls = Tls.isTls(ctx.channel());
		this.tlsDone = !this.tls;
		super.channelActive(ctx);
		if (this.keepAliveNanos > 0) {
			long period = Math.max(1, this.keepAliveNanos / 2);
			this.keepAliveTask = eventLoop().scheduleAtFixedRate(this::keepAlive, period, period, TimeUnit.NANOSECONDS);
		}
		if (!this.ready.isDone()) {
			this.prefaceTimer = eventLoop().schedule(() -> {
				String message = !this.tlsDone
						? "TLS handshake with " + this.owner.address() + " failed: not done within "
								+ this.prefaceTimeoutMillis + " ms; does the server use TLS?"
						: this.prefaceReceived
								? "Authentication with " + this.owner.address() + " did not complete within "
										+ this.prefaceTimeoutMillis + " ms"
								: "No easyrpc preface from the server within " + this.prefaceTimeoutMillis
										+ " ms; is it an easyrpc server?";
				if (this.ready.completeExceptionally(new IOException(message))) {
					ctx.close();
				}
			}, this.prefaceTimeoutMillis, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	protected void prefaceReceived(Preface preface) {
		super.prefaceReceived(preface);
		this.prefaceReceived = true;
		if (preface.requiresAuthentication()) {
			if (this.secret == null) {
				refuseHandshake(
						new RpcException(RpcStatus.UNAUTHENTICATED,
								"Server " + this.owner.address()
										+ " requires a shared secret, and none is configured for it on this client"),
						"Client has no shared secret");
			}
			else {
				this.handshake = Handshake.AWAITING_CHALLENGE;
			}
			return;
		}
		if (this.secret != null) {
			// Refused at the end of the read, unless a GOAWAY in the same read gives
			// the server's reason (a TLS server refusing a plain-text client).
			this.handshake = Handshake.UNASKED;
			return;
		}
		handshakeDone();
	}

	private void refuseUnaskingServer() {
		refuseHandshake(
				new RpcException(RpcStatus.UNAUTHENTICATED,
						"Server " + this.owner.address()
								+ " did not ask for authentication, but a shared secret is configured for it: "
								+ "refusing a server that does not check the secret"),
				"Client requires a server that asks for the shared secret");
	}

	private void handshakeDone() {
		this.handshake = Handshake.DONE;
	}

	@Override
	protected void tlsHandshakeCompleted(SSLSession session) {
		this.tlsDone = true;
		maybeReady();
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

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		// Readiness is decided after the whole read, so that a GOAWAY sent right behind
		// the preface is seen first. Calls started now are flushed with the read's
		// answers.
		if (this.handshake == Handshake.UNASKED) {
			refuseUnaskingServer();
		}
		maybeReady();
		super.channelReadComplete(ctx);
	}

	// Ready once TLS (if any) and the easyrpc handshake are done.
	private void maybeReady() {
		if (this.ready.isDone() || this.handshake != Handshake.DONE || !this.tlsDone) {
			return;
		}
		if (this.prefaceTimer != null) {
			this.prefaceTimer.cancel(false);
		}
		this.ready.complete(this);
	}

	private String peer() {
		return this.owner.addressText();
	}

	// Fails the connection attempt with this side's reason and tells the server why.
	private void refuseHandshake(Throwable failure, String goAwayMessage) {
		this.handshake = Handshake.FAILED;
		if (this.prefaceTimer != null) {
			this.prefaceTimer.cancel(false);
		}
		this.ready.completeExceptionally(failure);
		abort((failure instanceof RpcException rpc) ? rpc.getStatus() : RpcStatus.INVALID_ARGUMENT, goAwayMessage);
	}

	private void authChallenge(Frame.AuthChallenge challenge) {
		if (this.handshake != Handshake.AWAITING_CHALLENGE) {
			refuseHandshake(protocolError("AUTH_CHALLENGE"), "Unexpected AUTH_CHALLENGE");
			return;
		}
		this.serverNonce = challenge.nonce();
		this.clientNonce = SharedSecret.newNonce();
		this.handshake = Handshake.AWAITING_OK;
		send(FrameCodec.encodeAuthResponse(channel().alloc(), this.clientNonce,
				this.secret.clientProof(this.serverNonce, this.clientNonce)));
	}

	private void authOk(Frame.AuthOk ok) {
		if (this.handshake != Handshake.AWAITING_OK) {
			refuseHandshake(protocolError("AUTH_OK"), "Unexpected AUTH_OK");
			return;
		}
		if (!this.secret.isValidServerProof(this.serverNonce, this.clientNonce, ok.proof())) {
			logger.warn("easyrpc server {} could not prove that it knows the shared secret", this.owner.address());
			refuseHandshake(new RpcException(RpcStatus.UNAUTHENTICATED, "Server " + this.owner.address()
					+ " could not prove that it knows the shared secret: it is not the server configured for it"),
					"Server proof does not match the shared secret");
			return;
		}
		logger.debug("Authenticated with easyrpc server {}", this.owner.address());
		handshakeDone();
	}

	private IOException protocolError(String frame) {
		return new IOException("Server " + this.owner.address() + " sent an unexpected " + frame + " frame");
	}

	// A GOAWAY before the connection is ready (also one right behind the preface, in the
	// same read) refuses the connection attempt.
	private void goAwayDuringHandshake(RpcStatus status, String message) {
		String reason = (message != null) ? ": " + message : "";
		String text = (this.handshake == Handshake.AWAITING_OK && status == RpcStatus.UNAUTHENTICATED)
				? "Server " + this.owner.address() + " refused the shared secret" + reason
				: "Server " + this.owner.address() + " refused the connection" + reason;
		this.handshake = Handshake.FAILED;
		if (this.prefaceTimer != null) {
			this.prefaceTimer.cancel(false);
		}
		this.ready.completeExceptionally(new RpcException(status, text));
		channel().close();
	}

	boolean isUsable() {
		return !this.goingAway && !this.closed;
	}

	boolean inEventLoop() {
		return eventLoop() != null && eventLoop().inEventLoop();
	}

	int pendingCount() {
		return this.pending.size();
	}

	void start(ClientCall call) {
		try {
			execute(() -> start0(call));
		}
		catch (RejectedExecutionException ex) {
			call.fail(RpcStatus.UNAVAILABLE, "Connection to " + this.owner.address() + " is shutting down");
		}
	}

	private void start0(ClientCall call) {
		if (call.isDone()) {
			return;
		}
		if (this.closed) {
			// Closed by a GOAWAY: the call fails with its status, for example
			// RESOURCE_EXHAUSTED when the server refused the connection.
			call.fail((this.goAwayStatus != null) ? this.goAwayStatus : RpcStatus.UNAVAILABLE,
					"Connection to " + this.owner.address() + " is closed"
							+ ((this.goAwayMessage != null) ? ": " + this.goAwayMessage : ""));
			return;
		}
		long remaining = call.remainingNanos();
		if (remaining <= 0) {
			call.deadlineExceeded();
			return;
		}
		int callId = call.oneWay ? 0 : nextCallId();
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
		PayloadWriter payload = (packer) -> {
			packer.packArrayHeader(call.arguments.length);
			for (int i = 0; i < call.arguments.length; i++) {
				this.codec.write(packer, call.arguments[i], call.argumentTypes[i]);
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
		this.pending.put(callId, call);
		if (call.deadlineNanos != 0) {
			watchDeadline(call.deadlineNanos);
		}
		send(frame);
		if (call instanceof ClientStream stream) {
			// The first credit follows the request at once, in the same flush.
			stream.outstanding = stream.window;
			send(FrameCodec.encodeRequestN(channel().alloc(), callId, stream.window));
		}
		if (call.upload != null) {
			call.upload.start(this);
		}
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
			if (!this.closed && this.pending.get(call.callId) == call) {
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
			if (!this.closed && stream.callId != 0 && this.pending.get(stream.callId) == stream) {
				stream.outstanding += n;
				send(FrameCodec.encodeRequestN(channel().alloc(), stream.callId, n));
			}
		});
	}

	// Deadlines are watched by one scan of the pending table per connection, scheduled
	// for the earliest deadline it has seen, rather than by a timer per call: calls
	// usually end long before their deadline, and a timer per call would be scheduled
	// and cancelled every time.
	private void watchDeadline(long deadlineNanos) {
		if (this.deadlineScan == null || deadlineNanos - this.deadlineScanAt < 0) {
			if (this.deadlineScan != null) {
				this.deadlineScan.cancel(false);
			}
			scheduleDeadlineScan(deadlineNanos);
		}
	}

	private void scheduleDeadlineScan(long at) {
		this.deadlineScanAt = at;
		this.deadlineScan = eventLoop().schedule(this.deadlineScanTask, Math.max(0, at - System.nanoTime()),
				TimeUnit.NANOSECONDS);
	}

	private void scanDeadlines() {
		this.deadlineScan = null;
		if (this.closed) {
			return;
		}
		long now = System.nanoTime();
		List<ClientCall> expired = null;
		boolean more = false;
		long next = 0;
		for (ClientCall call : this.pending.values()) {
			long deadline = call.deadlineNanos;
			if (deadline == 0) {
				continue;
			}
			if (now - deadline >= 0) {
				if (expired == null) {
					expired = new ArrayList<>();
				}
				expired.add(call);
			}
			else if (!more || deadline - next < 0) {
				next = deadline;
				more = true;
			}
		}
		if (expired != null) {
			for (ClientCall call : expired) {
				timedOut(call);
			}
		}
		if (more) {
			scheduleDeadlineScan(next);
		}
	}

	private int nextCallId() {
		int id = this.nextCallId;
		while (this.pending.containsKey(id)) {
			id = (id == Integer.MAX_VALUE) ? 1 : id + 1;
		}
		this.nextCallId = (id == Integer.MAX_VALUE) ? 1 : id + 1;
		return id;
	}

	private void timedOut(ClientCall call) {
		if (this.pending.remove(call.callId) == call) {
			call.deadlineExceeded();
			sendCancel(call.callId, RpcStatus.DEADLINE_EXCEEDED);
		}
	}

	void cancel(ClientCall call) {
		execute(() -> {
			if (call.callId != 0 && this.pending.remove(call.callId) == call) {
				sendCancel(call.callId, RpcStatus.CANCELLED);
			}
		});
	}

	private void sendCancel(int callId, RpcStatus reason) {
		if (!this.closed) {
			send(FrameCodec.encodeCancel(channel().alloc(), callId, reason));
		}
	}

	@Override
	protected void frameReceived(Frame frame) {
		if (frame instanceof Frame.AuthChallenge challenge) {
			authChallenge(challenge);
			return;
		}
		if (frame instanceof Frame.AuthOk ok) {
			authOk(ok);
			return;
		}
		if (frame instanceof Frame.Next next) {
			onNext(next);
		}
		else if (frame instanceof Frame.RequestN requestN) {
			ClientCall call = this.pending.get(requestN.callId());
			if (call != null && call.upload != null) {
				call.upload.credit(requestN.n());
			}
		}
		else if (frame instanceof Frame.Cancel cancel) {
			ClientCall call = this.pending.get(cancel.callId());
			if (call != null && call.upload != null) {
				call.upload.stop();
			}
		}
		else if (frame instanceof Frame.Complete complete) {
			ClientCall call = removePending(complete.callId());
			if (call != null) {
				call.complete(null);
			}
		}
		else if (frame instanceof Frame.Response response) {
			ClientCall call = removePending(response.callId());
			if (call != null) {
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
			ClientCall call = removePending(error.callId());
			if (call != null) {
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
			logger.debug("Server {} sent GOAWAY {}: {}", this.owner.address(), this.goAwayStatus, goAway.message());
			if (!this.ready.isDone()) {
				goAwayDuringHandshake(this.goAwayStatus, goAway.message());
				return;
			}
			this.owner.connectionGoingAway(this);
		}
		else if (!(frame instanceof Frame.Pong) && logger.isDebugEnabled()) {
			logger.debug("Ignoring {} frame from {}", frame.type(), remoteAddress());
		}
	}

	private void onNext(Frame.Next next) {
		ClientCall call = this.pending.get(next.callId());
		if (!(call instanceof ClientStream stream)) {
			if (call != null) {
				removePending(next.callId());
				call.fail(RpcStatus.INTERNAL,
						"Server sent a stream item for " + call.method + ", which is not a stream");
				sendCancel(next.callId(), RpcStatus.CANCELLED);
			}
			return;
		}
		if (--stream.outstanding < 0) {
			removePending(next.callId());
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
			removePending(next.callId());
			stream.fail(ex);
			sendCancel(next.callId(), RpcStatus.CANCELLED);
			return;
		}
		catch (RuntimeException | java.io.IOException ex) {
			removePending(next.callId());
			stream.fail(new RpcException(RpcStatus.INTERNAL,
					"Cannot decode an item of " + stream.method + ": " + ex.getMessage(), ex));
			sendCancel(next.callId(), RpcStatus.CANCELLED);
			return;
		}
		stream.messagesReceived++;
		stream.onNext(item);
	}

	private ClientCall removePending(int callId) {
		return this.pending.remove(callId);
	}

	// A ping goes out when nothing else did during the last half interval, so the
	// connection is never silent for longer than the keep-alive interval. Checking a flag
	// now and then costs less than watching every write.
	private void keepAlive() {
		if (!checkWritten() && !this.closed) {
			send(FrameCodec.encodePing(channel().alloc(), false, ++this.pingData));
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.closed = true;
		if (this.prefaceTimer != null) {
			this.prefaceTimer.cancel(false);
		}
		this.owner.connectionClosed(this);
		RpcStatus status = (this.goAwayStatus != null) ? this.goAwayStatus : RpcStatus.UNAVAILABLE;
		String message = "Connection to " + this.owner.address() + " closed"
				+ ((this.goAwayMessage != null) ? ": " + this.goAwayMessage
						: (this.tlsFailure != null) ? " after a TLS failure (" + this.tlsFailure + ")" : "");
		if (!this.ready.isDone()) {
			this.ready.completeExceptionally(new IOException(message + (this.prefaceReceived
					? " before authentication completed" : " before the server's easyrpc preface arrived")));
		}
		List<ClientCall> calls = new ArrayList<>(this.pending.values());
		this.pending.clear();
		if (this.deadlineScan != null) {
			this.deadlineScan.cancel(false);
			this.deadlineScan = null;
		}
		if (this.keepAliveTask != null) {
			this.keepAliveTask.cancel(false);
		}
		for (ClientCall call : calls) {
			call.fail(status, message);
		}
		super.channelInactive(ctx);
	}

	private enum Handshake {

		/** The server's preface has not arrived yet. */
		NONE,

		/**
		 * The server did not ask for the secret this side has: refused at the end of the
		 * read.
		 */
		UNASKED,

		/** The server asked for authentication; its challenge is next. */
		AWAITING_CHALLENGE,

		/** This side answered the challenge and waits for the server's verdict. */
		AWAITING_OK,

		/**
		 * The easyrpc handshake is done; with TLS the connection is ready once TLS is
		 * done too.
		 */
		DONE,

		/** The connection attempt was refused by either side. */
		FAILED

	}

}
