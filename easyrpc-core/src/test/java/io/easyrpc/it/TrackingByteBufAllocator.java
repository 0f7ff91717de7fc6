package io.easyrpc.it;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * An allocator for tests that remembers every buffer it hands out, so that a test can
 * check that each one was released. It allocates unpooled buffers: a pooled buffer object
 * is reused by a later allocation once released, and would then look alive again. Buffers
 * derived from a tracked one (slices, duplicates) share its reference count and need no
 * tracking of their own.
 */
public final class TrackingByteBufAllocator implements ByteBufAllocator {

	private final ByteBufAllocator delegate;

	private final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

	/**
	 * Create an allocator of direct or heap buffers.
	 * @param preferDirect whether {@link #buffer()} and {@link #ioBuffer()} return direct
	 * buffers, like the allocator of socket channels
	 */
	public TrackingByteBufAllocator(boolean preferDirect) {
		this.delegate = new UnpooledByteBufAllocator(preferDirect);
	}

	/**
	 * Return the buffers handed out so far that are not released yet.
	 * @return the unreleased buffers
	 */
	public List<ByteBuf> unreleased() {
		return this.allocated.stream().filter((buf) -> buf.refCnt() > 0).toList();
	}

	/**
	 * Describe the unreleased buffers, for an assertion message.
	 * @return one line per buffer
	 */
	public String describeUnreleased() {
		return unreleased().stream()
			.map((buf) -> buf.getClass().getSimpleName() + " refCnt=" + buf.refCnt() + " readable="
					+ buf.readableBytes() + " capacity=" + buf.capacity())
			.collect(Collectors.joining("\n"));
	}

	/**
	 * Return the number of buffers handed out so far.
	 * @return the number of buffers
	 */
	public int allocations() {
		return this.allocated.size();
	}

	private <B extends ByteBuf> B track(B buf) {
		this.allocated.add(buf);
		return buf;
	}

	@Override
	public ByteBuf buffer() {
		return track(this.delegate.buffer());
	}

	@Override
	public ByteBuf buffer(int initialCapacity) {
		return track(this.delegate.buffer(initialCapacity));
	}

	@Override
	public ByteBuf buffer(int initialCapacity, int maxCapacity) {
		return track(this.delegate.buffer(initialCapacity, maxCapacity));
	}

	@Override
	public ByteBuf ioBuffer() {
		return track(this.delegate.ioBuffer());
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity) {
		return track(this.delegate.ioBuffer(initialCapacity));
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
		return track(this.delegate.ioBuffer(initialCapacity, maxCapacity));
	}

	@Override
	public ByteBuf heapBuffer() {
		return track(this.delegate.heapBuffer());
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity) {
		return track(this.delegate.heapBuffer(initialCapacity));
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
		return track(this.delegate.heapBuffer(initialCapacity, maxCapacity));
	}

	@Override
	public ByteBuf directBuffer() {
		return track(this.delegate.directBuffer());
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity) {
		return track(this.delegate.directBuffer(initialCapacity));
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
		return track(this.delegate.directBuffer(initialCapacity, maxCapacity));
	}

	@Override
	public CompositeByteBuf compositeBuffer() {
		return track(this.delegate.compositeBuffer());
	}

	@Override
	public CompositeByteBuf compositeBuffer(int maxNumComponents) {
		return track(this.delegate.compositeBuffer(maxNumComponents));
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer() {
		return track(this.delegate.compositeHeapBuffer());
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
		return track(this.delegate.compositeHeapBuffer(maxNumComponents));
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer() {
		return track(this.delegate.compositeDirectBuffer());
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
		return track(this.delegate.compositeDirectBuffer(maxNumComponents));
	}

	@Override
	public boolean isDirectBufferPooled() {
		return false;
	}

	@Override
	public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
		return this.delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
	}

}
