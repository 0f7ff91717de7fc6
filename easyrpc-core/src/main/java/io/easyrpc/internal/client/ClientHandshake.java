package io.easyrpc.internal.client;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.SharedSecret;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a client connection ready for calls, in front of its {@link ClientConnection},
 * and leaves the pipeline once it is. The connection is ready once the server's preface
 * has arrived, on TLS the handshake is done and, with a shared secret, the authentication
 * handshake has succeeded both ways: the server accepted this side's proof and proved in
 * {@code AUTH_OK} that it knows the secret too. A server whose preface does not ask for
 * authentication is refused, so that a server started without its secret is noticed.
 * <p>
 * Readiness is decided at the end of a read: a server that answers its preface with a
 * {@code GOAWAY} in the same read refused the connection, which then counts as a failed
 * attempt, not as a connection that closed. Until then every frame body is looked at
 * here: the authentication frames stay here, the others go on to the connection. Once the
 * connection has failed, everything goes on untouched: the connection drops it.
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

	// The connection's logger: its setup is part of the story its log tells.
	private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

	private final ClientConnection connection;

	private final CompletableFuture<ClientConnection> ready;

	private final RpcAddress address;

	private final long prefaceTimeoutMillis;

	private final SharedSecret secret;

	// Whether TLS is done: true at once without TLS.
	private boolean tlsDone;

	private ScheduledFuture<?> prefaceTimer;

	private boolean prefaceReceived;

	private State state = State.NONE;

	private byte[] serverNonce;

	private byte[] clientNonce;

	ClientHandshake(ClientConnection connection, RpcAddress address, long prefaceTimeoutMillis, SharedSecret secret) {
		this.connection = connection;
		this.ready = connection.ready();
		this.address = address;
		this.prefaceTimeoutMillis = prefaceTimeoutMillis;
		this.secret = secret;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.tlsDone = !Tls.isTls(ctx.channel());
		ctx.fireChannelActive();
		if (!this.ready.isDone()) {
			this.prefaceTimer = ctx.executor().schedule(() -> {
				String message = !this.tlsDone
						? "TLS handshake with " + this.address + " failed: not done within " + this.prefaceTimeoutMillis
								+ " ms; does the server use TLS?"
						: this.prefaceReceived
								? "Authentication with " + this.address + " did not complete within "
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
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		// A connection that failed on its own (a protocol error it found) drops what
		// follows; the handshake acts on nothing after that either.
		if (this.state == State.FAILED || this.ready.isDone() || this.connection.hasFailed()) {
			ctx.fireChannelRead(msg);
			return;
		}
		if (msg instanceof Preface preface) {
			// The connection checks the version and takes the server's frame size limit.
			ctx.fireChannelRead(preface);
			if (preface.version() == Preface.CURRENT_VERSION) {
				prefaceReceived(preface);
			}
			return;
		}
		ByteBuf body = (ByteBuf) msg;
		Frame frame;
		try {
			frame = FrameCodec.decode(body.duplicate());
		}
		catch (RuntimeException ex) {
			body.release();
			throw ex;
		}
		if (frame instanceof Frame.AuthChallenge challenge) {
			body.release();
			authChallenge(challenge);
		}
		else if (frame instanceof Frame.AuthOk ok) {
			body.release();
			authOk(ok);
		}
		else if (frame instanceof Frame.GoAway goAway) {
			// The connection notes the server's reason first, as for a later GOAWAY.
			ctx.fireChannelRead(body);
			refused(ctx, RpcStatus.fromCode(goAway.statusCode()), goAway.message());
		}
		else {
			ctx.fireChannelRead(body);
		}
	}

	private void prefaceReceived(Preface preface) {
		this.prefaceReceived = true;
		if (this.connection.codecFormat() == CodecFormat.JSON && !preface.acceptsJson()) {
			// Payloads sent anyway would be read as MessagePack: refuse before any call.
			refuse(new RpcException(RpcStatus.INVALID_ARGUMENT,
					"Server " + this.address
							+ " does not accept the JSON codec (a server before it, or one that disabled it)"),
					"Client needs the JSON codec");
			return;
		}
		if (preface.requiresAuthentication()) {
			if (this.secret == null) {
				refuse(new RpcException(RpcStatus.UNAUTHENTICATED,
						"Server " + this.address
								+ " requires a shared secret, and none is configured for it on this client"),
						"Client has no shared secret");
			}
			else {
				this.state = State.AWAITING_CHALLENGE;
			}
			return;
		}
		if (this.secret != null) {
			// Refused at the end of the read, unless a GOAWAY in the same read gives
			// the server's reason (a TLS server refusing a plain-text client).
			this.state = State.UNASKED;
			return;
		}
		this.state = State.DONE;
	}

	private void authChallenge(Frame.AuthChallenge challenge) {
		if (this.state != State.AWAITING_CHALLENGE) {
			refuse(protocolError("AUTH_CHALLENGE"), "Unexpected AUTH_CHALLENGE");
			return;
		}
		this.serverNonce = challenge.nonce();
		this.clientNonce = SharedSecret.newNonce();
		this.state = State.AWAITING_OK;
		this.connection.send(FrameCodec.encodeAuthResponse(this.connection.channel().alloc(), this.clientNonce,
				this.secret.clientProof(this.serverNonce, this.clientNonce)));
	}

	private void authOk(Frame.AuthOk ok) {
		if (this.state != State.AWAITING_OK) {
			refuse(protocolError("AUTH_OK"), "Unexpected AUTH_OK");
			return;
		}
		if (!this.secret.isValidServerProof(this.serverNonce, this.clientNonce, ok.proof())) {
			logger.warn("easyrpc server {} could not prove that it knows the shared secret", this.address);
			refuse(new RpcException(RpcStatus.UNAUTHENTICATED, "Server " + this.address
					+ " could not prove that it knows the shared secret: it is not the server configured for it"),
					"Server proof does not match the shared secret");
			return;
		}
		logger.debug("Authenticated with easyrpc server {}", this.address);
		this.state = State.DONE;
	}

	private IOException protocolError(String frame) {
		return new IOException("Server " + this.address + " sent an unexpected " + frame + " frame");
	}

	// Fails the connection attempt with this side's reason and tells the server why.
	private void refuse(Throwable failure, String goAwayMessage) {
		this.state = State.FAILED;
		cancelPrefaceTimer();
		this.ready.completeExceptionally(failure);
		this.connection.abortConnection(
				(failure instanceof RpcException rpc) ? rpc.getStatus() : RpcStatus.INVALID_ARGUMENT, goAwayMessage);
	}

	// A GOAWAY before the connection is ready (also one right behind the preface, in the
	// same read) refuses the connection attempt.
	private void refused(ChannelHandlerContext ctx, RpcStatus status, String message) {
		String reason = (message != null) ? ": " + message : "";
		String text = (this.state == State.AWAITING_OK && status == RpcStatus.UNAUTHENTICATED)
				? "Server " + this.address + " refused the shared secret" + reason
				: "Server " + this.address + " refused the connection" + reason;
		this.state = State.FAILED;
		cancelPrefaceTimer();
		this.ready.completeExceptionally(new RpcException(status, text));
		ctx.channel().close();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		// Readiness is decided after the whole read, so that a GOAWAY sent right behind
		// the preface is seen first. Calls started now are flushed with the read's
		// answers.
		if (this.state == State.UNASKED) {
			refuse(new RpcException(RpcStatus.UNAUTHENTICATED,
					"Server " + this.address
							+ " did not ask for authentication, but a shared secret is configured for it: "
							+ "refusing a server that does not check the secret"),
					"Client requires a server that asks for the shared secret");
		}
		maybeReady(ctx);
		ctx.fireChannelReadComplete();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof SslHandshakeCompletionEvent handshake) {
			if (handshake.isSuccess()) {
				this.tlsDone = true;
				maybeReady(ctx);
			}
			else {
				// The connection reports the failure and fails the attempt.
				this.state = State.FAILED;
			}
		}
		ctx.fireUserEventTriggered(evt);
	}

	// Ready once TLS (if any) and the easyrpc handshake are done; the connection carries
	// on alone.
	private void maybeReady(ChannelHandlerContext ctx) {
		if (this.ready.isDone() || this.state != State.DONE || !this.tlsDone) {
			return;
		}
		cancelPrefaceTimer();
		ctx.pipeline().remove(this);
		this.ready.complete(this.connection);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		// The connection closes: what it drops from now on is not looked at here.
		this.state = State.FAILED;
		ctx.fireExceptionCaught(cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		cancelPrefaceTimer();
		if (!this.ready.isDone()) {
			this.ready.completeExceptionally(new IOException(this.connection.closedMessage() + (this.prefaceReceived
					? " before authentication completed" : " before the server's easyrpc preface arrived")));
		}
		ctx.fireChannelInactive();
	}

	private void cancelPrefaceTimer() {
		if (this.prefaceTimer != null) {
			this.prefaceTimer.cancel(false);
		}
	}

	private enum State {

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

		/**
		 * The connection attempt was refused by either side, or the connection failed.
		 */
		FAILED

	}

}
