package io.easyrpc.internal.transport;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Splits a byte stream of length-prefixed frames into frame bodies, always in heap
 * memory. A frame longer than the maximum is refused as soon as its length prefix
 * arrives, before any of it is buffered, with a {@link ProtocolException} that names its
 * size; every byte after it is discarded: the connection is about to be closed.
 * <p>
 * On a server the decoder also bounds memory and time:
 * <ul>
 * <li>with an {@link InboundMemory} budget, a frame that does not arrive in one read
 * reserves its whole length before more of it is buffered. When the budget has no room,
 * reading pauses (auto-read off) until memory is released, then resumes; a frame larger
 * than the whole budget can never be buffered and is refused with
 * {@code RESOURCE_EXHAUSTED}. The buffer of a reserved frame is sized once to hold it, so
 * it is not copied as it grows;</li>
 * <li>with a frame timeout, a frame whose first byte arrived more than that long ago and
 * that is still incomplete ends the connection with {@code RESOURCE_EXHAUSTED}: a peer
 * that sends a frame too slowly cannot hold its memory for ever.</li>
 * </ul>
 */
public final class FrameBodyDecoder extends LengthFieldBasedFrameDecoder {

	private final int maxFrameSize;

	private final @Nullable InboundMemory memory;

	private final long frameTimeoutNanos;

	private final Runnable frameTimerTask = this::checkFrameTime;

	private final InboundMemory.Waiter waiter = this::memoryReleased;

	private @Nullable ChannelHandlerContext ctx;

	private boolean failed;

	// Bytes of the budget reserved for the frame being received.
	private long reserved;

	// Reading is paused until the budget has room for the frame being received.
	private boolean waitingForMemory;

	// Whether a frame has started and is not complete yet.
	private boolean partial;

	// When the first byte of the incomplete frame arrived, in ticker time.
	private long partialSince;

	private boolean frameTimerArmed;

	/**
	 * Create a decoder with neither a memory budget nor a frame timeout.
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 */
	public FrameBodyDecoder(int maxFrameSize) {
		this(maxFrameSize, null, 0);
	}

	/**
	 * Create a decoder.
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 * @param memory the budget for incomplete frames, shared by the connections of a
	 * server, or {@code null} for none
	 * @param frameTimeoutNanos how long a frame may take to arrive from its first byte,
	 * {@code 0} for no limit
	 */
	public FrameBodyDecoder(int maxFrameSize, @Nullable InboundMemory memory, long frameTimeoutNanos) {
		// The limit is checked on the body length below, so Netty's own check, which
		// counts the prefix too, never applies.
		super(Integer.MAX_VALUE, 0, StreamFraming.LENGTH_PREFIX, 0, StreamFraming.LENGTH_PREFIX);
		this.maxFrameSize = maxFrameSize;
		this.memory = memory;
		this.frameTimeoutNanos = Math.max(0, frameTimeoutNanos);
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		this.ctx = ctx;
		super.handlerAdded(ctx);
	}

	@Override
	protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return null;
		}
		Object frame;
		try {
			frame = super.decode(ctx, in);
		}
		catch (ProtocolException ex) {
			fail(in);
			throw ex;
		}
		if (frame != null) {
			if (this.partial) {
				frameComplete(ctx);
			}
		}
		else if (in.isReadable()) {
			incomplete(ctx, in);
		}
		return frame;
	}

	// A frame has started and is not complete in the bytes read so far.
	private void incomplete(ChannelHandlerContext ctx, ByteBuf in) {
		if (!this.partial) {
			this.partial = true;
			this.partialSince = ctx.executor().ticker().nanoTime();
			if (this.frameTimeoutNanos > 0 && !this.frameTimerArmed) {
				this.frameTimerArmed = true;
				ctx.executor().schedule(this.frameTimerTask, this.frameTimeoutNanos, TimeUnit.NANOSECONDS);
			}
		}
		if (this.memory == null || this.reserved != 0 || this.waitingForMemory
				|| in.readableBytes() < StreamFraming.LENGTH_PREFIX) {
			return;
		}
		long needed = in.getUnsignedInt(in.readerIndex()) + StreamFraming.LENGTH_PREFIX;
		if (needed > this.memory.limit()) {
			fail(in);
			throw new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
					"Frame of " + (needed - StreamFraming.LENGTH_PREFIX)
							+ " bytes cannot be buffered: the server's inbound memory limit is " + this.memory.limit()
							+ " bytes");
		}
		if (this.memory.tryReserve(needed)) {
			reserved(in, needed);
			return;
		}
		this.waitingForMemory = true;
		ctx.channel().config().setAutoRead(false);
		this.memory.await(this.waiter);
		// A release between the failed reservation and the wait is not missed.
		if (this.memory.tryReserve(needed)) {
			this.waitingForMemory = false;
			reserved(in, needed);
			ctx.channel().config().setAutoRead(true);
		}
	}

	private void reserved(ByteBuf in, long needed) {
		this.reserved = needed;
		// Grown once to the frame's size instead of step by step, each step a copy.
		if (in.refCnt() == 1 && !in.isReadOnly()) {
			int missing = (int) (needed - in.readableBytes());
			if (in.writableBytes() < missing) {
				in.ensureWritable(missing);
			}
		}
	}

	private void frameComplete(ChannelHandlerContext ctx) {
		this.partial = false;
		releaseReserved();
		if (this.waitingForMemory) {
			// The frame arrived whole without a reservation after all.
			this.waitingForMemory = false;
			ctx.channel().config().setAutoRead(true);
		}
	}

	private void releaseReserved() {
		long bytes = this.reserved;
		if (bytes != 0) {
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
		if (!this.waitingForMemory || this.failed || context == null || context.isRemoved()) {
			return;
		}
		ByteBuf buffered = internalBuffer();
		if (buffered.readableBytes() < StreamFraming.LENGTH_PREFIX) {
			this.waitingForMemory = false;
			context.channel().config().setAutoRead(true);
			return;
		}
		long needed = buffered.getUnsignedInt(buffered.readerIndex()) + StreamFraming.LENGTH_PREFIX;
		if (!this.memory.tryReserve(needed)) {
			this.memory.await(this.waiter);
			if (!this.memory.tryReserve(needed)) {
				return;
			}
		}
		this.waitingForMemory = false;
		reserved(buffered, needed);
		// The frame's time starts now: waiting for the server's memory is not the
		// peer's delay.
		this.partialSince = context.executor().ticker().nanoTime();
		context.channel().config().setAutoRead(true);
	}

	private void checkFrameTime() {
		this.frameTimerArmed = false;
		ChannelHandlerContext context = this.ctx;
		if (this.failed || !this.partial || context == null || context.isRemoved() || !context.channel().isActive()) {
			return;
		}
		long elapsed = context.executor().ticker().nanoTime() - this.partialSince;
		long left = this.waitingForMemory ? this.frameTimeoutNanos : this.frameTimeoutNanos - elapsed;
		if (left > 0) {
			this.frameTimerArmed = true;
			context.executor().schedule(this.frameTimerTask, left, TimeUnit.NANOSECONDS);
			return;
		}
		ByteBuf buffered = internalBuffer();
		String expected = (buffered.readableBytes() >= StreamFraming.LENGTH_PREFIX)
				? " of " + buffered.getUnsignedInt(buffered.readerIndex()) + " bytes" : "";
		long received = Math.max(0, buffered.readableBytes() - StreamFraming.LENGTH_PREFIX);
		fail(buffered);
		context.fireExceptionCaught(new ProtocolException(RpcStatus.RESOURCE_EXHAUSTED,
				"Frame" + expected + " not received within " + TimeUnit.NANOSECONDS.toMillis(this.frameTimeoutNanos)
						+ " ms of its first byte (" + received + " bytes arrived)"));
	}

	// Nothing more of this connection is read into memory: it is about to be closed.
	private void fail(ByteBuf in) {
		this.failed = true;
		in.skipBytes(in.readableBytes());
		releaseReserved();
		if (this.waitingForMemory) {
			this.waitingForMemory = false;
			// Read on, discarding, so that the close is seen.
			this.ctx.channel().config().setAutoRead(true);
		}
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
		this.failed = true;
		this.partial = false;
		releaseReserved();
		this.waitingForMemory = false;
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		super.channelInactive(ctx);
		this.failed = true;
		this.partial = false;
		releaseReserved();
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
