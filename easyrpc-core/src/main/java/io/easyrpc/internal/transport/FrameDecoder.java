package io.easyrpc.internal.transport;

import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits the inbound byte stream into the peer's {@link Preface} followed by frame bodies
 * (length prefix removed), always in heap memory. A frame longer than the configured
 * maximum is refused before any of it is buffered. After the first error every further
 * byte is discarded: the connection is about to be closed.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

	private final int maxFrameSize;

	private State state = State.PREFACE;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 */
	public FrameDecoder(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.state == State.FAILED) {
			in.skipBytes(in.readableBytes());
			return;
		}
		try {
			if (this.state == State.PREFACE) {
				if (in.readableBytes() < Preface.LENGTH) {
					return;
				}
				out.add(Preface.readFrom(in));
				this.state = State.FRAMES;
			}
			while (in.readableBytes() >= FrameCodec.LENGTH_PREFIX) {
				long length = in.getUnsignedInt(in.readerIndex());
				if (length > this.maxFrameSize) {
					throw new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED, "Frame of " + length
							+ " bytes exceeds the maximum frame size of " + this.maxFrameSize + " bytes");
				}
				if (in.readableBytes() < FrameCodec.LENGTH_PREFIX + length) {
					return;
				}
				in.skipBytes(FrameCodec.LENGTH_PREFIX);
				out.add(readBody(in, (int) length));
			}
		}
		catch (ProtocolException ex) {
			this.state = State.FAILED;
			in.skipBytes(in.readableBytes());
			throw ex;
		}
	}

	// Heap bytes (in-process channels) are handed on as a slice. Socket reads land in
	// direct memory, which msgpack-core cannot read without extra JVM flags: such a body
	// is copied to the heap here, once, and everything downstream, the frame header and
	// the payload alike, reads that copy.
	private static ByteBuf readBody(ByteBuf in, int length) {
		if (in.hasArray()) {
			return in.readRetainedSlice(length);
		}
		byte[] body = new byte[length];
		in.readBytes(body);
		return Unpooled.wrappedBuffer(body);
	}

	private enum State {

		PREFACE, FRAMES, FAILED

	}

}
