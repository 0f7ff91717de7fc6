package io.easyrpc.internal.mprpc;

import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.internal.transport.InboundMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Cuts a byte stream into whole MessagePack values, one heap {@link ByteBuf} each, for
 * protocols that send values back to back with no length prefix, such as MessagePack-RPC.
 * A value that has not fully arrived waits for more bytes; the bytes already seen are not
 * scanned again, so a large value costs one pass however many reads it takes.
 * <p>
 * Input is bounded as the easyrpc framing bounds it:
 * <ul>
 * <li>a value that needs more than the maximum size is refused with
 * {@code RESOURCE_EXHAUSTED} as soon as its headers show it, before the rest is buffered
 * (each element a header announces counts as at least one byte);</li>
 * <li>with an {@link InboundMemory} budget, the bytes buffered for a value that did not
 * arrive in one read are reserved from the budget as they arrive, and released once the
 * value is complete. When the budget has no room, reading pauses until memory is
 * released. A value complete in the bytes of one read never touches the budget.</li>
 * </ul>
 * After a refusal every further byte is discarded: the connection is about to be closed.
 * The decoder checks the MessagePack structure only as far as needed to find where a
 * value ends; the type byte {@code 0xc1}, which MessagePack never uses, is refused.
 */
public final class MsgpackStreamDecoder extends ByteToMessageDecoder {

	private final int maxMessageSize;

	private final @Nullable InboundMemory memory;

	private final InboundMemory.Waiter waiter = this::memoryReleased;

	private @Nullable ChannelHandlerContext ctx;

	private boolean failed;

	// Bytes from the reader index whose structure is known: the headers read so far and
	// the payloads they announce (which may not have arrived yet).
	private long scanned;

	// Values still to be read before the current value is complete.
	private long pending = 1;

	// Bytes of the budget reserved for the value being received.
	private long reserved;

	private boolean waitingForMemory;

	/**
	 * Create a decoder without a memory budget.
	 * @param maxMessageSize the largest value accepted, in bytes
	 */
	public MsgpackStreamDecoder(int maxMessageSize) {
		this(maxMessageSize, null);
	}

	/**
	 * Create a decoder.
	 * @param maxMessageSize the largest value accepted, in bytes
	 * @param memory the budget for values that have not fully arrived, shared by the
	 * connections of a server, or {@code null} for none
	 */
	public MsgpackStreamDecoder(int maxMessageSize, @Nullable InboundMemory memory) {
		if (maxMessageSize < 1) {
			throw new IllegalArgumentException("The maximum message size must be positive, not " + maxMessageSize);
		}
		this.maxMessageSize = maxMessageSize;
		this.memory = memory;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		this.ctx = ctx;
		super.handlerAdded(ctx);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		long length;
		try {
			length = scan(in);
		}
		catch (ProtocolException ex) {
			fail(in);
			throw ex;
		}
		if (length < 0) {
			if (in.isReadable()) {
				incomplete(ctx, in);
			}
			return;
		}
		out.add(extract(in, (int) length));
		this.scanned = 0;
		this.pending = 1;
		complete(ctx);
	}

	/**
	 * Find where the value at the reader index ends.
	 * @return its length, or -1 if it has not fully arrived
	 */
	private long scan(ByteBuf in) {
		int base = in.readerIndex();
		long readable = in.readableBytes();
		while (true) {
			if (this.scanned > readable) {
				return -1;
			}
			if (this.pending == 0) {
				return this.scanned;
			}
			if (this.scanned == readable) {
				return -1;
			}
			int at = base + (int) this.scanned;
			int format = in.getUnsignedByte(at);
			int header = headerLength(format);
			if (header < 0) {
				throw new ProtocolException(RpcStatus.INVALID_ARGUMENT,
						"Malformed MessagePack: the type byte 0xc1 is never used (at offset " + this.scanned + ")");
			}
			if (this.scanned + header > readable) {
				checkSize(this.scanned + header + this.pending - 1);
				return -1;
			}
			long payload = 0;
			long elements = 0;
			if (format <= 0x7f || format >= 0xe0) {
				// fixint: the header is the value
			}
			else if (format <= 0x8f) {
				elements = 2L * (format & 0x0f);
			}
			else if (format <= 0x9f) {
				elements = format & 0x0f;
			}
			else if (format <= 0xbf) {
				payload = format & 0x1f;
			}
			else {
				switch (format) {
					case 0xc4, 0xc7, 0xd9 -> payload = in.getUnsignedByte(at + 1);
					case 0xc5, 0xc8, 0xda -> payload = in.getUnsignedShort(at + 1);
					case 0xc6, 0xc9, 0xdb -> payload = in.getUnsignedInt(at + 1);
					case 0xdc -> elements = in.getUnsignedShort(at + 1);
					case 0xdd -> elements = in.getUnsignedInt(at + 1);
					case 0xde -> elements = 2L * in.getUnsignedShort(at + 1);
					case 0xdf -> elements = 2L * in.getUnsignedInt(at + 1);
					default -> {
						// Fixed-size values: the header length covers them.
					}
				}
			}
			this.scanned += header + payload;
			this.pending += elements - 1;
			checkSize(this.scanned + this.pending);
		}
	}

	private void checkSize(long atLeast) {
		if (atLeast > this.maxMessageSize) {
			throw new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED, "MessagePack value of at least " + atLeast
					+ " bytes exceeds the maximum message size of " + this.maxMessageSize + " bytes");
		}
	}

	/**
	 * Return the bytes a value of this format takes before its payload or elements,
	 * including the format byte; for a value of fixed size, its whole size. -1 for the
	 * unused format 0xc1.
	 */
	private static int headerLength(int format) {
		if (format <= 0xbf || format >= 0xe0) {
			return 1;
		}
		return switch (format) {
			case 0xc0, 0xc2, 0xc3 -> 1;
			case 0xc1 -> -1;
			case 0xc4, 0xcc, 0xd0, 0xd9 -> 2;
			case 0xc5, 0xcd, 0xd1, 0xda, 0xdc, 0xde -> 3;
			case 0xc7 -> 3;
			case 0xc8 -> 4;
			case 0xc9 -> 6;
			case 0xc6, 0xca, 0xce, 0xd2, 0xdb, 0xdd, 0xdf -> 5;
			case 0xcb, 0xcf, 0xd3 -> 9;
			case 0xd4 -> 3;
			case 0xd5 -> 4;
			case 0xd6 -> 6;
			case 0xd7 -> 10;
			default -> 18;
		};
	}

	// Socket reads land in direct memory, which msgpack-core cannot read without extra
	// JVM flags: such a value is copied to the heap once; a heap value is a slice.
	private static ByteBuf extract(ByteBuf in, int length) {
		ByteBuf value;
		if (in.hasArray()) {
			value = in.retainedSlice(in.readerIndex(), length);
		}
		else {
			byte[] bytes = new byte[length];
			in.getBytes(in.readerIndex(), bytes);
			value = Unpooled.wrappedBuffer(bytes);
		}
		in.skipBytes(length);
		return value;
	}

	// A value has started and is not complete in the bytes read so far: what is buffered
	// is reserved from the budget.
	private void incomplete(ChannelHandlerContext ctx, ByteBuf in) {
		InboundMemory budget = this.memory;
		if (budget == null || this.waitingForMemory) {
			return;
		}
		long needed = in.readableBytes() - this.reserved;
		if (needed <= 0) {
			return;
		}
		if (in.readableBytes() > budget.limit()) {
			fail(in);
			throw new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
					"MessagePack value of more than " + in.readableBytes()
							+ " bytes cannot be buffered: the server's inbound memory limit is " + budget.limit()
							+ " bytes");
		}
		if (budget.tryReserve(needed)) {
			this.reserved += needed;
			return;
		}
		this.waitingForMemory = true;
		ctx.channel().config().setAutoRead(false);
		budget.await(this.waiter);
		// A release between the failed reservation and the wait is not missed.
		if (budget.tryReserve(needed)) {
			this.reserved += needed;
			this.waitingForMemory = false;
			ctx.channel().config().setAutoRead(true);
		}
	}

	private void complete(ChannelHandlerContext ctx) {
		releaseReserved();
		if (this.waitingForMemory) {
			this.waitingForMemory = false;
			ctx.channel().config().setAutoRead(true);
		}
	}

	private void releaseReserved() {
		long bytes = this.reserved;
		if (bytes != 0 && this.memory != null) {
			this.reserved = 0;
			this.memory.release(bytes);
		}
	}

	// Any thread: the retry runs on the event loop.
	private void memoryReleased() {
		ChannelHandlerContext context = this.ctx;
		if (context != null) {
			context.executor().execute(this::retryReservation);
		}
	}

	private void retryReservation() {
		ChannelHandlerContext context = this.ctx;
		InboundMemory budget = this.memory;
		if (!this.waitingForMemory || this.failed || context == null || context.isRemoved() || budget == null) {
			return;
		}
		long needed = internalBuffer().readableBytes() - this.reserved;
		if (needed > 0 && !budget.tryReserve(needed)) {
			budget.await(this.waiter);
			if (!budget.tryReserve(needed)) {
				return;
			}
		}
		if (needed > 0) {
			this.reserved += needed;
		}
		this.waitingForMemory = false;
		context.channel().config().setAutoRead(true);
	}

	private void fail(ByteBuf in) {
		this.failed = true;
		in.skipBytes(in.readableBytes());
		releaseReserved();
		if (this.waitingForMemory && this.ctx != null) {
			this.waitingForMemory = false;
			this.ctx.channel().config().setAutoRead(true);
		}
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
		this.failed = true;
		releaseReserved();
		this.waitingForMemory = false;
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		super.channelInactive(ctx);
		this.failed = true;
		releaseReserved();
	}

}
