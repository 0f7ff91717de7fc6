package io.easyrpc.internal.protocol;

import io.easyrpc.internal.msgpack.UniversalBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;

import io.easyrpc.internal.msgpack.BoundedUnpacker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Per-thread msgpack-core packers and unpackers bound to Netty buffers. Creating a packer
 * costs far more than encoding a small message, so each thread keeps one of each and
 * re-points it at the buffer at hand.
 */
public final class MessagePackBuffers {

	static {
		UniversalBuffer.select();
	}

	private static final MessagePack.PackerConfig PACKER_CONFIG = new MessagePack.PackerConfig().withBufferSize(512);

	private static final int INITIAL_SCRATCH = 1024;

	private static final int MAX_KEPT_SCRATCH = 256 * 1024;

	private static final FastThreadLocal<MessagePackBuffers> LOCAL = new FastThreadLocal<>() {

		@Override
		protected MessagePackBuffers initialValue() {
			return new MessagePackBuffers();
		}

	};

	private final ByteBufOutput output = new ByteBufOutput();

	private final MessagePacker packer = PACKER_CONFIG.newPacker(this.output);

	private final BoundedUnpacker unpacker = new BoundedUnpacker();

	private boolean packerInUse;

	private ByteBuf scratch = newScratch();

	private boolean scratchInUse;

	private MessagePackBuffers() {
	}

	/**
	 * Return the buffers of the current thread.
	 * @return the buffers
	 */
	public static MessagePackBuffers get() {
		return LOCAL.get();
	}

	/**
	 * Start writing at the writer index of a heap buffer. Every call must be paired with
	 * {@link #endWrite()}, which flushes the packed bytes into the buffer.
	 * @param target the heap buffer to append to
	 * @return a packer that appends to {@code target}
	 */
	public MessagePacker beginWrite(ByteBuf target) {
		if (this.packerInUse) {
			throw new IllegalStateException("Nested use of the thread's MessagePack packer");
		}
		this.packerInUse = true;
		this.output.reset(target);
		return this.packer;
	}

	/**
	 * Flush what was packed since {@link #beginWrite(ByteBuf)} into the buffer and detach
	 * the packer from it.
	 */
	public void endWrite() {
		try {
			this.packer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			this.output.release();
			this.packerInUse = false;
		}
	}

	/**
	 * Discard what was packed since {@link #beginWrite(ByteBuf)}, for example after an
	 * encoding error; the caller resets the buffer's writer index itself.
	 */
	public void abortWrite() {
		try {
			// Flushing detaches the packer from memory the caller is about to discard;
			// the partial bytes land in that discarded buffer.
			this.packer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			this.output.release();
			this.packerInUse = false;
		}
	}

	/**
	 * Return the thread's empty scratch buffer, in which a frame is encoded before it is
	 * copied once into a buffer of its exact size. Every call must be paired with
	 * {@link #releaseScratch()}.
	 * @return an empty heap buffer
	 */
	ByteBuf scratch() {
		if (this.scratchInUse) {
			throw new IllegalStateException("Nested use of the thread's scratch buffer");
		}
		this.scratchInUse = true;
		return this.scratch.clear();
	}

	/**
	 * Give the scratch buffer back. One that grew for a large frame is dropped, so that a
	 * thread does not keep a large array for good.
	 */
	void releaseScratch() {
		if (this.scratch.capacity() > MAX_KEPT_SCRATCH) {
			this.scratch = newScratch();
		}
		this.scratchInUse = false;
	}

	private static ByteBuf newScratch() {
		return Unpooled.buffer(INITIAL_SCRATCH);
	}

	/**
	 * Pack a payload into a new array of exactly its size, through the thread's packer
	 * and scratch buffer, for code that must see the encoded bytes, such as payload
	 * processors.
	 * @param payload writes the payload
	 * @return the packed bytes
	 * @throws IOException if the payload cannot be written
	 */
	public byte[] toBytes(PayloadWriter payload) throws IOException {
		ByteBuf buf = scratch();
		try {
			MessagePacker packer = beginWrite(buf);
			boolean written = false;
			try {
				payload.writeTo(packer);
				written = true;
			}
			finally {
				if (written) {
					endWrite();
				}
				else {
					abortWrite();
				}
			}
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			releaseScratch();
		}
	}

	/**
	 * Return an unpacker positioned at the first readable byte of {@code source}, reading
	 * up to its writer index. The buffer's reader index is not changed. Direct buffers
	 * are copied to the heap first, since msgpack-core cannot read direct memory without
	 * extra JVM flags. The unpacker checks every size header against the readable bytes
	 * and refuses invalid UTF-8 ({@link BoundedUnpacker}).
	 * @param source the buffer to read
	 * @return the thread's unpacker
	 */
	public MessageUnpacker unpacker(ByteBuf source) {
		if (source.hasArray()) {
			return this.unpacker.reset(source.array(), source.arrayOffset() + source.readerIndex(),
					source.readableBytes());
		}
		byte[] copy = ByteBufUtil.getBytes(source);
		return this.unpacker.reset(copy, 0, copy.length);
	}

}
