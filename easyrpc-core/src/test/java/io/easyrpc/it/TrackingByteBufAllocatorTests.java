package io.easyrpc.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that {@link TrackingByteBufAllocator} notices a buffer that is not released: the
 * transport contract suite relies on it.
 */
class TrackingByteBufAllocatorTests {

	@Test
	void unreleasedBuffersAreReportedUntilReleased() {
		TrackingByteBufAllocator allocator = new TrackingByteBufAllocator(true);
		ByteBuf direct = allocator.ioBuffer(16);
		ByteBuf heap = allocator.heapBuffer(16);
		CompositeByteBuf composite = allocator.compositeBuffer();
		assertThat(direct.isDirect()).isTrue();
		assertThat(allocator.allocations()).isEqualTo(3);
		assertThat(allocator.unreleased()).containsExactly(direct, heap, composite);
		ByteBuf slice = heap.retainedSlice();
		heap.release();
		assertThat(allocator.unreleased()).as("a retained slice keeps its buffer alive")
			.containsExactly(direct, heap, composite);
		slice.release();
		direct.release();
		composite.release();
		assertThat(allocator.unreleased()).isEmpty();
		assertThat(allocator.describeUnreleased()).isEmpty();
	}

}
