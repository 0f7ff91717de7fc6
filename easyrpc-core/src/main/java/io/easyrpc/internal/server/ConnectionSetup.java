package io.easyrpc.internal.server;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a server connection before its frames reach the {@link ServerConnection} behind
 * it: asks the connection middleware ({@link ConnectionAdmission}), then runs the
 * shared-secret handshake, and leaves the pipeline once both are done. A
 * {@link ServerConnection} installs it in front of itself when it becomes active, if the
 * server has connection middleware or a shared secret.
 * <p>
 * When the server has connection middleware, nothing the peer sends goes on until they
 * have accepted the connection: at once on a plain connection, after the handshake on a
 * TLS connection. Frames that arrive before the decision are held, in order, and handed
 * on once the connection is accepted, or released if it is refused. While frames are
 * held, reading is paused, so at most one read's worth is ever held. Pausing reads from
 * the start instead would stall the TLS handshake, which needs reads to complete.
 * <p>
 * When the server has a shared secret, the connection's preface carries
 * {@link Preface#FLAG_AUTH}, an {@code AUTH_CHALLENGE} follows, and until a valid
 * {@code AUTH_RESPONSE} has arrived no frame but {@code PING}, {@code PONG} and
 * {@code GOAWAY} is accepted: anything else ends the connection with
 * {@code UNAUTHENTICATED} before it reaches the registry or the observers.
 * <p>
 * Used on the connection's event loop only.
 */
final class ConnectionSetup extends ChannelInboundHandlerAdapter {

	/** The name of the handler in a pipeline. */
	static final String NAME = "easyrpcSetup";

	// The lines it logs are the connection's: they keep its category.
	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private static final String UNAUTHENTICATED_REASON = "unauthenticated";

	private static final long REFUSAL_LINGER_MILLIS = 2000;

	private final ServerConnection connection;

	private final ServerRuntime server;

	private final @Nullable SharedSecret secret;

	private final @Nullable ConnectionAdmission admission;

	private @Nullable ChannelHandlerContext ctx;

	private boolean started;

	private boolean admitted;

	private boolean refused;

	private boolean authenticated;

	private @Nullable ArrayDeque<Object> held;

	private boolean readsPaused;

	private byte @Nullable [] serverNonce;

	private @Nullable ScheduledFuture<?> authTimer;

	ConnectionSetup(ServerConnection connection, ServerRuntime server, @Nullable SharedSecret secret,
			@Nullable ConnectionAdmission admission) {
		this.connection = connection;
		this.server = server;
		this.secret = secret;
		this.admission = admission;
		this.admitted = admission == null;
		this.authenticated = secret == null;
	}

	/**
	 * Return whether a connection of a server with this secret and admission needs a
	 * setup.
	 * @param secret the shared secret, or {@code null}
	 * @param admission the admission, or {@code null}
	 * @return {@code true} if it does
	 */
	static boolean isNeeded(@Nullable SharedSecret secret, @Nullable ConnectionAdmission admission) {
		return secret != null || admission != null;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
	}

	/**
	 * Called by the connection once it is up and has written its preface, before the
	 * preface is flushed: a refusal's {@code GOAWAY} or the challenge then reaches the
	 * client together with the preface.
	 */
	void prefaceWritten() {
		this.started = true;
		if (!this.admitted) {
			// Connection middleware decide first; the challenge follows an acceptance.
			if (!usesTls(context())) {
				admit(null);
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

	// A failed handshake needs nothing here: the connection reports it and closes.
	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && this.started
				&& !this.admitted && !this.refused) {
			// The event reports the handshake of the SslHandler in this pipeline (an SNI
			// handler has replaced itself with one by now).
			SslHandler ssl = ctx.pipeline().get(SslHandler.class);
			admit((ssl != null) ? ssl.engine().getSession() : null);
		}
		super.userEventTriggered(ctx, evt);
	}

	private void admit(@Nullable SSLSession session) {
		ChannelHandlerContext ctx = context();
		Channel channel = ctx.channel();
		ConnectionInfo info = new ConnectionInfo(this.connection.remoteAddress(), this.connection.localAddress(),
				session);
		ConnectionDecision decision = this.admission.admit(info);
		if (decision.isAccepted()) {
			this.admitted = true;
			if (!this.authenticated) {
				challenge();
			}
			releaseHeld(ctx);
			leaveIfDone(ctx);
			return;
		}
		this.refused = true;
		discardHeld();
		if (this.readsPaused) {
			this.readsPaused = false;
			channel.config().setAutoRead(true);
		}
		this.server.connectionRejected(info, decision);
		if (!this.connection.isMsgpackRpc()) {
			// Refused before the peer said anything: the refusal is easyrpc's.
			this.connection.settleProtocol();
		}
		ByteBuf goAway = this.connection.isMsgpackRpc() ? Unpooled.EMPTY_BUFFER
				: FrameCodec.encodeGoAway(ctx.alloc(), decision.status(), decision.message());
		ctx.writeAndFlush(goAway).addListener((ChannelFutureListener) (written) -> lingerAndClose(written.channel()));
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
		// An in-process or message channel has no output to shut down, and closing it at
		// once would
		// drop the GOAWAY if the peer has not started reading yet: it lingers as well.
		channel.eventLoop().schedule(() -> channel.close(), REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void challenge() {
		Channel channel = context().channel();
		this.serverNonce = SharedSecret.newNonce();
		this.connection.send(FrameCodec.encodeAuthChallenge(channel.alloc(), this.serverNonce));
		long timeoutMillis = Math.max(1, this.server.authTimeout().toMillis());
		this.authTimer = channel.eventLoop().schedule(() -> {
			if (!this.authenticated && channel.isActive()) {
				refuse("", "no AUTH_RESPONSE within " + timeoutMillis + " ms",
						"Authentication required: no AUTH_RESPONSE within " + timeoutMillis + " ms");
			}
		}, timeoutMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Called when the peer turned out to speak MessagePack-RPC, which has no
	 * authentication handshake: the challenge the peer never saw no longer waits for an
	 * answer. The connection itself decides whether such a peer may call.
	 * @param allowed whether the server lets MessagePack-RPC peers call without the
	 * handshake
	 */
	void msgpackRpc(boolean allowed) {
		if (!this.authenticated) {
			this.authenticated = true;
			if (this.authTimer != null) {
				this.authTimer.cancel(false);
			}
			if (allowed) {
				logger.debug("MessagePack-RPC client {} calls without authentication", this.connection.remoteAddress());
			}
		}
		ChannelHandlerContext ctx = this.ctx;
		if (ctx != null) {
			leaveIfDone(ctx);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.admitted) {
			read(ctx, msg);
			leaveIfDone(ctx);
		}
		else if (this.refused) {
			ReferenceCountUtil.release(msg);
		}
		else {
			hold(ctx, msg);
		}
	}

	// The preface goes on to the connection; until the client has authenticated, the
	// frames stop here.
	private void read(ChannelHandlerContext ctx, Object msg) {
		if (this.authenticated || msg instanceof Preface) {
			ctx.fireChannelRead(msg);
			return;
		}
		ByteBuf body = (ByteBuf) msg;
		try {
			if (!this.connection.hasFailed()) {
				authenticate(FrameCodec.decode(body));
			}
		}
		finally {
			ReferenceCountUtil.release(body);
		}
	}

	// Until the client has proven that it knows the secret, nothing it sends reaches the
	// registry or the observers.
	private void authenticate(Frame frame) {
		ChannelHandlerContext ctx = context();
		if (frame instanceof Frame.AuthResponse response) {
			if (this.secret.isValidClientProof(this.serverNonce, response.nonce(), response.proof())) {
				this.authenticated = true;
				this.authTimer.cancel(false);
				this.connection.send(FrameCodec.encodeAuthOk(ctx.alloc(),
						this.secret.serverProof(this.serverNonce, response.nonce())));
				logger.debug("easyrpc client {} authenticated", this.connection.remoteAddress());
			}
			else {
				refuse("", "wrong shared secret", "Authentication failed: the shared secret does not match");
			}
		}
		else if (frame instanceof Frame.Ping ping) {
			this.connection.send(FrameCodec.encodePing(ctx.alloc(), true, ping.data()));
		}
		else if (frame instanceof Frame.GoAway goAway) {
			logger.warn("easyrpc client {} left before authenticating: {}", this.connection.remoteAddress(),
					LogSafe.text(goAway.message()));
			this.server.rejected("", UNAUTHENTICATED_REASON);
			this.connection.refuse(RpcStatus.UNAUTHENTICATED, "Not authenticated");
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
		logger.warn("Refusing easyrpc client {}: {}", this.connection.remoteAddress(), logReason);
		this.server.rejected(methodKey, UNAUTHENTICATED_REASON);
		this.connection.refuse(RpcStatus.UNAUTHENTICATED, message);
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
					read(ctx, msg);
				}
			}
			finally {
				discardHeld();
			}
			ctx.fireChannelReadComplete();
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

	// Once the connection is accepted and the client authenticated, frames go straight
	// to the connection.
	private void leaveIfDone(ChannelHandlerContext ctx) {
		if (this.admitted && this.authenticated && !ctx.isRemoved()) {
			ctx.pipeline().remove(this);
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		if (this.authTimer != null) {
			this.authTimer.cancel(false);
		}
		discardHeld();
		super.channelInactive(ctx);
	}

	private ChannelHandlerContext context() {
		ChannelHandlerContext ctx = this.ctx;
		if (ctx == null) {
			throw new IllegalStateException("The connection setup is not in a pipeline");
		}
		return ctx;
	}

}
