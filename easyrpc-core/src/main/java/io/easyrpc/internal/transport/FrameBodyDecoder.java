package io.easyrpc.internal.transport;

import java.nio.ByteOrder;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits a byte stream of length-prefixed frames into frame bodies, always in heap
 * memory. A frame longer than the maximum is refused as soon as its length prefix
 * arrives, before any of it is buffered, with a {@link ProtocolException} that names its
 * size; every byte after it is discarded: the connection is about to be closed.
 */
public final class FrameBodyDecoder extends LengthFieldBasedFrameDecoder {

	private final int maxFrameSize;

	private boolean failed;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 */
	public FrameBodyDecoder(int maxFrameSize) {
		// The limit is checked on the body length below, so Netty's own check, which
		// counts the prefix too, never applies.
		super(Integer.MAX_VALUE, 0, StreamFraming.LENGTH_PREFIX, 0, StreamFraming.LENGTH_PREFIX);
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return null;
		}
		try {
			return super.decode(ctx, in);
		}
		catch (ProtocolException ex) {
			this.failed = true;
			in.skipBytes(in.readableBytes());
			throw ex;
		}
	}

	@Override
	protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
		long bodyLength = super.getUnadjustedFrameLength(buf, offset, length, order);
		if (bodyLength > this.maxFrameSize) {
			throw frameTooLarge(bodyLength, this.maxFrameSize);
		}
		return bodyLength;
	}

	/**
	 * Return the error that refuses a frame larger than the maximum, on any transport.
	 * @param length the length of the frame body
	 * @param maxFrameSize the maximum frame size
	 * @return the error, a {@code RESOURCE_EXHAUSTED} protocol error
	 */
	public static ProtocolException frameTooLarge(long length, int maxFrameSize) {
		return new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
				"Frame of " + length + " bytes exceeds the maximum frame size of " + maxFrameSize + " bytes");
	}

	// Heap bytes (in-process channels) are handed on as a slice. Socket reads land in
	// direct memory, which msgpack-core cannot read without extra JVM flags: such a body
	// is copied to the heap here, once, and everything downstream, the frame header and
	// the payload alike, reads that copy.
	@Override
	protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
		if (buffer.hasArray()) {
			return buffer.retainedSlice(index, length);
		}
		byte[] body = new byte[length];
		buffer.getBytes(index, body);
		return Unpooled.wrappedBuffer(body);
	}

}
