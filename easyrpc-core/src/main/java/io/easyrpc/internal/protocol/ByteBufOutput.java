package io.easyrpc.internal.protocol;

import io.easyrpc.internal.msgpack.UniversalBuffer;
import io.netty.buffer.ByteBuf;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

/**
 * A msgpack-core output that writes straight into the backing array of a heap
 * {@link ByteBuf}, so that encoding needs no intermediate copy. msgpack-core cannot write
 * into direct memory without extra JVM flags, so the target must be a heap buffer.
 */
final class ByteBufOutput implements MessageBufferOutput {

	static {
		UniversalBuffer.select();
	}

	private static final int MIN_CHUNK = 256;

	private ByteBuf target;

	void reset(ByteBuf target) {
		if (!target.hasArray()) {
			throw new IllegalArgumentException("easyrpc encodes into heap buffers only");
		}
		this.target = target;
	}

	void release() {
		this.target = null;
	}

	@Override
	public MessageBuffer next(int minimumSize) {
		ByteBuf buf = this.target;
		buf.ensureWritable(Math.max(minimumSize, MIN_CHUNK));
		return MessageBuffer.wrap(buf.array(), buf.arrayOffset() + buf.writerIndex(), buf.writableBytes());
	}

	@Override
	public void writeBuffer(int length) {
		this.target.writerIndex(this.target.writerIndex() + length);
	}

	@Override
	public void write(byte[] buffer, int offset, int length) {
		this.target.writeBytes(buffer, offset, length);
	}

	@Override
	public void add(byte[] buffer, int offset, int length) {
		this.target.writeBytes(buffer, offset, length);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
