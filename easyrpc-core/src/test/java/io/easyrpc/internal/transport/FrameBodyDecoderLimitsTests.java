package io.easyrpc.internal.transport;

import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The memory budget and the frame timeout of {@link FrameBodyDecoder}, on embedded
 * channels whose clock the tests move.
 */
class FrameBodyDecoderLimitsTests {

	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private static final long FRAME_TIMEOUT_MILLIS = 30_000;

	private EmbeddedChannel first;

	private EmbeddedChannel second;

	@AfterEach
	void close() {
		for (EmbeddedChannel channel : new EmbeddedChannel[] { this.first, this.second }) {
			if (channel != null) {
				channel.finishAndReleaseAll();
			}
		}
	}

	private static EmbeddedChannel channel(InboundMemory memory) {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		channel.pipeline()
			.addLast(new FrameBodyDecoder(MAX_FRAME_SIZE, memory, TimeUnit.MILLISECONDS.toNanos(FRAME_TIMEOUT_MILLIS)));
		return channel;
	}

	// The length prefix and the first bytes of a frame with a body of the given size.
	private static ByteBuf start(int bodySize, int bytes) {
		return Unpooled.buffer().writeInt(bodySize).writeZero(bytes);
	}

	private static ByteBuf bytes(int count) {
		return Unpooled.buffer().writeZero(count);
	}

	private static int readBody(EmbeddedChannel channel) {
		ByteBuf body = channel.readInbound();
		try {
			return body.readableBytes();
		}
		finally {
			body.release();
		}
	}

	@Test
	void wholeFramesNeedNoMemory() {
		InboundMemory memory = new InboundMemory(100);
		this.first = channel(memory);
		this.first.writeInbound(Unpooled.buffer().writeInt(1000).writeZero(1000).writeInt(10).writeZero(10));
		assertThat(readBody(this.first)).isEqualTo(1000);
		assertThat(readBody(this.first)).isEqualTo(10);
		assertThat(memory.used()).isZero();
	}

	@Test
	void incompleteFrameReservesItsLengthUntilItIsComplete() {
		InboundMemory memory = new InboundMemory(100_000);
		this.first = channel(memory);
		this.first.writeInbound(start(40_000, 100));
		assertThat(memory.used()).isEqualTo(40_004);
		this.first.writeInbound(bytes(39_900));
		assertThat(readBody(this.first)).isEqualTo(40_000);
		assertThat(memory.used()).isZero();
	}

	@Test
	void connectionThatFindsNoRoomStopsReadingUntilMemoryIsReleased() {
		InboundMemory memory = new InboundMemory(60_000);
		this.first = channel(memory);
		this.second = channel(memory);
		this.first.writeInbound(start(40_000, 100));
		this.second.writeInbound(start(40_000, 100));
		assertThat(this.first.config().isAutoRead()).isTrue();
		assertThat(this.second.config().isAutoRead()).as("paused while the budget has no room").isFalse();
		assertThat(this.second.isOpen()).isTrue();
		assertThat(memory.waiting()).isEqualTo(1);

		this.first.writeInbound(bytes(39_900));
		assertThat(readBody(this.first)).isEqualTo(40_000);
		this.second.runPendingTasks();
		assertThat(this.second.config().isAutoRead()).as("resumed once memory was released").isTrue();
		assertThat(memory.used()).isEqualTo(40_004);
		this.second.writeInbound(bytes(39_900));
		assertThat(readBody(this.second)).isEqualTo(40_000);
		assertThat(memory.used()).isZero();
	}

	@Test
	void frameLargerThanTheWholeBudgetIsRefused() {
		InboundMemory memory = new InboundMemory(10_000);
		this.first = channel(memory);
		Throwable thrown = catchThrowable(() -> this.first.writeInbound(start(20_000, 100)));
		while (thrown instanceof DecoderException && thrown.getCause() != null) {
			thrown = thrown.getCause();
		}
		assertThat(thrown)
			.isInstanceOfSatisfying(ProtocolException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.hasMessageContaining("Frame of 20000 bytes cannot be buffered")
			.hasMessageContaining("inbound memory limit is 10000 bytes");
		assertThat(memory.used()).isZero();
	}

	@Test
	void closingReleasesTheReservation() {
		InboundMemory memory = new InboundMemory(100_000);
		this.first = channel(memory);
		this.first.writeInbound(start(40_000, 100));
		assertThat(memory.used()).isEqualTo(40_004);
		this.first.close();
		assertThat(memory.used()).isZero();
	}

	@Test
	void frameThatTricklesInIsEndedAtTheFrameTimeoutOfItsFirstByte() {
		this.first = channel(new InboundMemory(1_000_000));
		this.first.writeInbound(start(40_000, 10));
		for (int i = 0; i < 29; i++) {
			this.first.advanceTimeBy(1, TimeUnit.SECONDS);
			this.first.runPendingTasks();
			this.first.writeInbound(bytes(10));
		}
		this.first.checkException();
		this.first.advanceTimeBy(1, TimeUnit.SECONDS);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> {
			this.first.runPendingTasks();
			this.first.checkException();
		})
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED))
			.withMessageContaining("Frame of 40000 bytes not received within 30000 ms of its first byte")
			.withMessageContaining("300 bytes arrived");
	}

	@Test
	void frameTimeoutCountsFromTheFirstByteOfEachFrame() {
		this.first = channel(new InboundMemory(1_000_000));
		this.first.writeInbound(start(100, 10));
		this.first.advanceTimeBy(20, TimeUnit.SECONDS);
		this.first.runPendingTasks();
		this.first.writeInbound(Unpooled.buffer().writeZero(90).writeInt(100).writeZero(10));
		assertThat(readBody(this.first)).isEqualTo(100);
		this.first.advanceTimeBy(20, TimeUnit.SECONDS);
		this.first.runPendingTasks();
		this.first.checkException();
		this.first.writeInbound(bytes(90));
		assertThat(readBody(this.first)).isEqualTo(100);
		this.first.advanceTimeBy(60, TimeUnit.SECONDS);
		this.first.runPendingTasks();
		this.first.checkException();
		assertThat(this.first.isOpen()).isTrue();
	}

}
