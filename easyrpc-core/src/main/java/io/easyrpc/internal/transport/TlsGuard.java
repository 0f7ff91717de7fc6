package io.easyrpc.internal.transport;

import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of a TLS server's {@link SslHandler} until the first record header has
 * arrived. A TLS client passes: the guard removes itself and hands the bytes on. Anything
 * else is answered in plain text with an easyrpc preface and a {@code GOAWAY} frame that
 * says the server requires TLS, and the connection is closed: a plain-text easyrpc client
 * then fails with that message rather than with a connection closed for no stated reason.
 */
public final class TlsGuard extends ByteToMessageDecoder {

	static final String REFUSAL = "This easyrpc server requires TLS; the client connected without it";

	private static final Logger logger = LoggerFactory.getLogger(TlsGuard.class);

	// A TLS record header: content type, version, length.
	private static final int RECORD_HEADER_LENGTH = 5;

	// Announced in the preface sent to a refused client; it sends nothing more anyway.
	private static final int REFUSAL_MAX_FRAME_SIZE = 1024;

	private boolean refused;

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.refused) {
			in.skipBytes(in.readableBytes());
			return;
		}
		if (in.readableBytes() < RECORD_HEADER_LENGTH) {
			return;
		}
		if (SslHandler.isEncrypted(in, false)) {
			// The cumulated bytes go on to the SslHandler when this handler is removed.
			ctx.pipeline().remove(this);
			return;
		}
		this.refused = true;
		in.skipBytes(in.readableBytes());
		logger.warn("Refusing connection from {}: it does not use TLS, which this easyrpc server requires",
				ctx.channel().remoteAddress());
		ByteBuf refusal = ctx.alloc().buffer();
		new Preface(Preface.CURRENT_VERSION, 0, REFUSAL_MAX_FRAME_SIZE).writeTo(refusal);
		ByteBuf goAway = FrameCodec.encodeGoAway(ctx.alloc(), RpcStatus.UNAVAILABLE, REFUSAL);
		refusal.writeInt(goAway.readableBytes()).writeBytes(goAway);
		goAway.release();
		// This handler sits before the SslHandler and the stream framing, so what it
		// writes goes out unencrypted, and it adds the length prefix itself.
		ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
	}

}
