package io.easyrpc.internal.transport;

import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes the {@link Preface} a {@link FrameConnection} sends as its 10 bytes. It sits
 * nearer the socket than the length prepender, so that the preface goes out without a
 * length prefix.
 */
@Sharable
public final class PrefaceEncoder extends MessageToByteEncoder<Preface> {

	/** The encoder; it keeps no state. */
	public static final PrefaceEncoder INSTANCE = new PrefaceEncoder();

	private PrefaceEncoder() {
		super(Preface.class, false);
	}

	@Override
	protected void encode(ChannelHandlerContext ctx, Preface preface, ByteBuf out) {
		preface.writeTo(out);
	}

}
