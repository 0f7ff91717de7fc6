package io.easyrpc.internal.transport;

import java.util.List;

import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Reads the peer's {@link Preface} from the start of a byte stream, passes it on, and
 * removes itself: the bytes that follow, frames, go on to the next handler unchanged. A
 * stream that does not start with a preface is a protocol error, after which every
 * further byte is discarded: the connection is about to be closed.
 */
public final class PrefaceDecoder extends ByteToMessageDecoder {

	private boolean failed;

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		if (in.readableBytes() < Preface.LENGTH) {
			return;
		}
		Preface preface;
		try {
			preface = Preface.readFrom(in);
		}
		catch (ProtocolException ex) {
			this.failed = true;
			in.skipBytes(in.readableBytes());
			throw ex;
		}
		out.add(preface);
		// The bytes already read past the preface are handed on as the handler leaves.
		ctx.pipeline().remove(this);
	}

}
