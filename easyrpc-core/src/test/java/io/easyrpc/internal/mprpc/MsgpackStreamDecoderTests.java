package io.easyrpc.internal.mprpc;

import java.util.ArrayList;
import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.internal.transport.InboundMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.easyrpc.internal.mprpc.MsgpackRpcCodecTests.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class MsgpackStreamDecoderTests {

	private EmbeddedChannel channel = new EmbeddedChannel(new MsgpackStreamDecoder(64));

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void cutsBackToBackValuesAtTheirEnds() {
		this.channel.writeInbound(hex("94 00 01 a1 6d 91 01 93 02 a1 6e 80 c0 2a"));
		assertThat(drain()).containsExactly("940001a16d9101", "9302a16e80", "c0", "2a");
	}

	@Test
	void waitsForTheRestOfAValueWhateverTheCut() {
		byte[] stream = MsgpackRpcCodecTests.hex("94 00 cd 0102 da 0003 616263 dc 0002 c4 02 ffff d6 01 00000000")
			.array();
		for (int cut = 1; cut < stream.length; cut++) {
			EmbeddedChannel split = new EmbeddedChannel(new MsgpackStreamDecoder(64));
			split.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
			assertThat((Object) split.readInbound()).as("cut at %d", cut).isNull();
			split.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
			ByteBuf value = split.readInbound();
			assertThat(ByteBufUtil.getBytes(value)).as("cut at %d", cut).isEqualTo(stream);
			value.release();
			split.finishAndReleaseAll();
		}
	}

	@Test
	void refusesAValueLargerThanTheMaximumFromItsHeader() {
		// a str32 header announcing 1 000 bytes: refused before any of it arrives
		ProtocolException error = protocolError(() -> this.channel.writeInbound(hex("94 00 01 db 000003e8")));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(error).hasMessageContaining("exceeds the maximum message size of 64 bytes");
		// everything after is discarded
		this.channel.writeInbound(hex("c0"));
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void refusesAnArrayAnnouncingMoreElementsThanTheMaximumAllows() {
		ProtocolException error = protocolError(() -> this.channel.writeInbound(hex("dd ffffffff")));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
	}

	@Test
	void refusesTheUnusedTypeByte() {
		ProtocolException error = protocolError(() -> this.channel.writeInbound(hex("92 c1 00")));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
	}

	@Test
	void reservesTheBytesOfAnIncompleteValueAndReleasesThemOnceComplete() {
		InboundMemory memory = new InboundMemory(1000);
		EmbeddedChannel bounded = new EmbeddedChannel(new MsgpackStreamDecoder(1000, memory));
		bounded.writeInbound(hex("92 da 0010 41424344"));
		assertThat(memory.used()).isEqualTo(8);
		bounded.writeInbound(hex("45464748 494a4b4c 4d4e4f50"));
		assertThat(memory.used()).isEqualTo(20);
		bounded.writeInbound(hex("c3"));
		ByteBuf value = bounded.readInbound();
		assertThat(value.readableBytes()).isEqualTo(21);
		value.release();
		assertThat(memory.used()).isZero();
		bounded.finishAndReleaseAll();
	}

	@Test
	void pausesReadingWhileTheBudgetHasNoRoom() {
		InboundMemory memory = new InboundMemory(10);
		assertThat(memory.tryReserve(8)).isTrue();
		EmbeddedChannel bounded = new EmbeddedChannel(new MsgpackStreamDecoder(100, memory));
		bounded.writeInbound(hex("92 da 0010 41424344"));
		assertThat(bounded.config().isAutoRead()).isFalse();
		memory.release(8);
		bounded.runPendingTasks();
		assertThat(bounded.config().isAutoRead()).isTrue();
		assertThat(memory.used()).isEqualTo(8);
		bounded.close();
		assertThat(memory.used()).isZero();
	}

	private static ProtocolException protocolError(Runnable action) {
		Throwable thrown = catchThrowable(action::run);
		assertThat(thrown).isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolException.class);
		return (ProtocolException) thrown.getCause();
	}

	private List<String> drain() {
		List<String> out = new ArrayList<>();
		ByteBuf value;
		while ((value = this.channel.readInbound()) != null) {
			out.add(ByteBufUtil.hexDump(value));
			value.release();
		}
		return out;
	}

}
