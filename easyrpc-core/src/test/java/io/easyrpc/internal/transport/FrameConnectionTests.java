package io.easyrpc.internal.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FrameConnection} on an {@link EmbeddedChannel}, with a subclass that
 * records what it receives and answers every {@code PING} with two {@code PONG}s.
 */
class FrameConnectionTests {

	private static final int MAX_FRAME_SIZE = 256;

	private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

	private final List<ByteBuf> created = new ArrayList<>();

	private final FlushCounter flushes = new FlushCounter();

	private RecordingConnection connection;

	private EmbeddedChannel channel;

	@BeforeEach
	void setUp() {
		this.connection = new RecordingConnection(MAX_FRAME_SIZE);
		this.channel = new EmbeddedChannel(this.flushes, PrefaceEncoder.INSTANCE, new PrefaceDecoder(),
				new FrameBodyDecoder(MAX_FRAME_SIZE), this.connection);
	}

	@AfterEach
	void everyBufferIsReleased() {
		this.channel.finishAndReleaseAll();
		assertThat(this.created).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void writesAndFlushesItsPrefaceWhenTheChannelBecomesActive() {
		ByteBuf preface = this.channel.readOutbound();
		try {
			assertThat(Preface.readFrom(preface)).isEqualTo(new Preface(Preface.CURRENT_VERSION, 0, MAX_FRAME_SIZE));
			assertThat(preface.isReadable()).isFalse();
		}
		finally {
			preface.release();
		}
		assertThat(this.flushes.count).isEqualTo(1);
		assertThat((Object) this.channel.readOutbound()).isNull();
	}

	@Test
	void framesSentDuringOneReadAreFlushedOnceAtReadComplete() {
		discardOurPreface();
		int before = this.flushes.count;
		this.channel.writeInbound(inbound(preface(1, 1024)), inbound(ping(1), ping(2)), inbound(ping(3)));
		assertThat(this.flushes.count).isEqualTo(before + 1);
		assertThat(this.flushes.messagesAtFlush).containsExactly(1, 7);
		assertThat(readOutboundFrames()).containsExactly(new Frame.Pong(1), new Frame.Pong(1), new Frame.Pong(2),
				new Frame.Pong(2), new Frame.Pong(3), new Frame.Pong(3));
	}

	@Test
	void framesSentDuringALongReadAreFlushedInBatchesWithoutWaitingForItsEnd() {
		discardOurPreface();
		byte[][] pings = new byte[20][];
		for (int i = 0; i < pings.length; i++) {
			pings[i] = ping(i);
		}
		this.channel.writeInbound(inbound(preface(1, 1024)), inbound(pings));
		// Two pongs per ping: flushed after every FLUSH_FRAMES frames, the rest at read
		// complete.
		assertThat(FrameConnection.FLUSH_FRAMES).isEqualTo(16);
		assertThat(this.flushes.messagesAtFlush).containsExactly(1, 17, 33, 41);
		assertThat(readOutboundFrames()).hasSize(40);
	}

	@Test
	void framesSentDuringALongReadAreFlushedOnceTheirBytesAddUp() {
		discardOurPreface();
		this.connection.pongPadding = FrameConnection.FLUSH_BYTES / 4;
		this.channel.writeInbound(inbound(preface(1, 1024)), inbound(ping(1), ping(2), ping(3)));
		// Each pong carries a quarter of FLUSH_BYTES, so the fourth triggers a flush.
		assertThat(this.flushes.messagesAtFlush).containsExactly(1, 5, 7);
		assertThat(readOutboundFrames()).hasSize(6);
	}

	@Test
	void framesSentInOneEventLoopTurnOutsideAReadAreFlushedOnceAfterIt() {
		discardOurPreface();
		int before = this.flushes.count;
		// EmbeddedChannel runs queued tasks after every write unless the write happens
		// inside one of its own operations, so the sends run inside writeOneOutbound:
		// together they form one event-loop turn, as on a real event loop.
		this.channel.pipeline().addLast(new RunInOneTurn());
		int[] flushesDuringTurn = new int[1];
		ChannelFuture turn = this.channel.writeOneOutbound((Runnable) () -> {
			this.connection.send(FrameCodec.encodePing(ALLOCATOR, false, 1));
			this.connection.send(FrameCodec.encodePing(ALLOCATOR, false, 2));
			this.connection.send(FrameCodec.encodeCancel(ALLOCATOR, 3));
			flushesDuringTurn[0] = this.flushes.count;
		});
		assertThat(turn.isSuccess()).isTrue();
		assertThat(flushesDuringTurn[0]).isEqualTo(before);
		this.channel.runPendingTasks();
		assertThat(this.flushes.count).isEqualTo(before + 1);
		assertThat(this.flushes.messagesAtFlush).containsExactly(1, 4);
		assertThat(readOutboundFrames()).containsExactly(new Frame.Ping(1), new Frame.Ping(2), new Frame.Cancel(3));
	}

	@Test
	void framesAreDecodedAndHandedOverAfterThePreface() throws IOException {
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 5, "Greeter.hello", new Metadata(300, null, null, null),
				(packer) -> {
					packer.packArrayHeader(1);
					packer.packString("Ada");
				});
		this.channel
			.writeInbound(inbound(preface(1, 1024), encoded(request), encoded(FrameCodec.encodeCancel(ALLOCATOR, 5))));
		assertThat(this.connection.prefaces).containsExactly(new Preface(1, 0, 1024));
		assertThat(this.connection.received).hasSize(2);
		assertThat(this.connection.received.get(0)).isInstanceOf(Frame.Request.class);
		assertThat(this.connection.payloads).containsExactly("[\"Ada\"]");
		assertThat(this.connection.received.get(1)).isEqualTo(new Frame.Cancel(5));
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void peerMaxFrameSizeIsTheOwnLimitUntilThePeerPrefaceArrives() {
		assertThat(this.connection.peerMaxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		this.channel.writeInbound(inbound(preface(1, 16)));
		assertThat(this.connection.peerMaxFrameSize()).isEqualTo(16);
		assertThat(this.connection.maxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
		ByteBuf small = FrameCodec.encodeGoAway(ALLOCATOR, RpcStatus.UNAVAILABLE, "0123456789");
		ByteBuf large = FrameCodec.encodeGoAway(ALLOCATOR, RpcStatus.UNAVAILABLE, "0123456789ab");
		try {
			assertThat(small.readableBytes()).isEqualTo(14);
			assertThat(this.connection.exceedsPeerLimit(small)).isFalse();
			assertThat(large.readableBytes()).isEqualTo(16);
			assertThat(this.connection.exceedsPeerLimit(large)).isFalse();
			large.writeByte(0);
			assertThat(this.connection.exceedsPeerLimit(large)).isTrue();
		}
		finally {
			small.release();
			large.release();
		}
	}

	@Test
	void oversizedFrameIsAnsweredWithGoAwayAndTheChannelIsClosed() {
		discardOurPreface();
		byte[] oversizedPrefix = { 0, 0, 0x01, 0x01 };
		this.channel.writeInbound(inbound(preface(1, 1024), oversizedPrefix, new byte[64]));
		Frame.GoAway goAway = (Frame.GoAway) readOutboundFrames().get(0);
		assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(goAway.message()).contains("257").contains(String.valueOf(MAX_FRAME_SIZE));
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.connection.received).isEmpty();
	}

	@Test
	void peerPrefaceWithAnUnsupportedVersionIsAnsweredWithGoAwayAndTheChannelIsClosed() {
		discardOurPreface();
		this.channel.writeInbound(inbound(preface(2, 1024)));
		Frame.GoAway goAway = (Frame.GoAway) readOutboundFrames().get(0);
		assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.UNAVAILABLE);
		assertThat(goAway.message()).contains("version 2");
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.connection.peerMaxFrameSize()).isEqualTo(MAX_FRAME_SIZE);
	}

	@Test
	void badMagicIsAnsweredWithGoAwayAndTheChannelIsClosed() {
		discardOurPreface();
		this.channel.writeInbound(inbound("PRI * HTTP/2.0\r\n".getBytes()));
		Frame.GoAway goAway = (Frame.GoAway) readOutboundFrames().get(0);
		assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.INVALID_ARGUMENT);
		assertThat(goAway.message()).contains("ERPC");
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.connection.prefaces).isEmpty();
	}

	@Test
	void malformedFrameIsAnsweredWithGoAwayAndTheChannelIsClosed() {
		discardOurPreface();
		byte[] notAnArray = { 0, 0, 0, 1, 0x07 };
		this.channel.writeInbound(inbound(preface(1, 1024), notAnArray));
		Frame.GoAway goAway = (Frame.GoAway) readOutboundFrames().get(0);
		assertThat(RpcStatus.fromCode(goAway.statusCode())).isEqualTo(RpcStatus.INVALID_ARGUMENT);
		assertThat(goAway.message()).startsWith("Malformed frame");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void framesAfterAProtocolErrorInTheSameReadAreNotHandedOver() {
		discardOurPreface();
		byte[] notAnArray = { 0, 0, 0, 1, 0x07 };
		this.channel.writeInbound(inbound(preface(1, 1024), notAnArray, ping(1)));
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.connection.received).isEmpty();
		assertThat(readOutboundFrames()).singleElement().isInstanceOf(Frame.GoAway.class);
	}

	@Test
	void unknownFrameTypesAreHandedOverAndTheConnectionStaysOpen() {
		byte[] future = { 0, 0, 0, 3, (byte) 0x92, 0x2a, (byte) 0xc0 };
		this.channel.writeInbound(inbound(preface(1, 1024), future));
		assertThat(this.connection.received).containsExactly(new Frame.Unsupported(42, null));
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void closeWithGoAwaySendsTheFrameThenCloses() {
		discardOurPreface();
		this.connection.closeWithGoAway(RpcStatus.UNAVAILABLE, "idle");
		assertThat(readOutboundFrames()).containsExactly(new Frame.GoAway(RpcStatus.UNAVAILABLE.code(), "idle"));
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void frameSentAfterCloseIsReleased() {
		this.channel.close();
		ByteBuf late = FrameCodec.encodeCancel(ALLOCATOR, 9);
		this.connection.send(late);
		assertThat(late.refCnt()).isZero();
	}

	private void discardOurPreface() {
		ByteBuf preface = this.channel.readOutbound();
		preface.release();
	}

	private List<Frame> readOutboundFrames() {
		List<Frame> frames = new ArrayList<>();
		ByteBuf buf;
		while ((buf = this.channel.readOutbound()) != null) {
			try {
				frames.add(FrameCodec.decode(buf));
			}
			finally {
				buf.release();
			}
		}
		return frames;
	}

	private ByteBuf inbound(byte[]... parts) {
		ByteBuf buf = ALLOCATOR.heapBuffer();
		for (byte[] part : parts) {
			buf.writeBytes(part);
		}
		this.created.add(buf);
		return buf;
	}

	private static byte[] preface(int version, int maxFrameSize) {
		ByteBuf buf = ALLOCATOR.heapBuffer(Preface.LENGTH);
		new Preface(version, 0, maxFrameSize).writeTo(buf);
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	private static byte[] ping(long data) {
		return encoded(FrameCodec.encodePing(ALLOCATOR, false, data));
	}

	// A frame body as it arrives on a byte stream, behind its length.
	private static byte[] encoded(ByteBuf buf) {
		try {
			byte[] frame = new byte[StreamFraming.LENGTH_PREFIX + buf.readableBytes()];
			Unpooled.wrappedBuffer(frame).clear().writeInt(buf.readableBytes()).writeBytes(buf);
			return frame;
		}
		finally {
			buf.release();
		}
	}

	/**
	 * Counts flushes, and remembers how many messages had been written when each flush
	 * happened.
	 */
	static final class FlushCounter extends ChannelOutboundHandlerAdapter {

		int count;

		int written;

		final List<Integer> messagesAtFlush = new ArrayList<>();

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			this.written++;
			ctx.write(msg, promise);
		}

		@Override
		public void flush(ChannelHandlerContext ctx) {
			this.count++;
			this.messagesAtFlush.add(this.written);
			ctx.flush();
		}

	}

	/**
	 * Runs a {@link Runnable} written to the pipeline instead of passing it on.
	 */
	static final class RunInOneTurn extends ChannelOutboundHandlerAdapter {

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof Runnable task) {
				task.run();
				promise.setSuccess();
				return;
			}
			super.write(ctx, msg, promise);
		}

	}

	/**
	 * Records the peer's preface and frames; copies payloads as text since they are valid
	 * only during the call; answers each ping with two pongs.
	 */
	static final class RecordingConnection extends FrameConnection {

		final List<Preface> prefaces = new ArrayList<>();

		final List<Frame> received = new ArrayList<>();

		final List<String> payloads = new ArrayList<>();

		int pongPadding;

		RecordingConnection(int maxFrameSize) {
			super(maxFrameSize);
		}

		@Override
		protected void prefaceReceived(Preface preface) {
			super.prefaceReceived(preface);
			this.prefaces.add(preface);
		}

		@Override
		protected void frameReceived(Frame frame) {
			this.received.add(frame);
			if (frame instanceof Frame.Request request) {
				try (MessageUnpacker unpacker = MessagePack
					.newDefaultUnpacker(ByteBufUtil.getBytes(request.payload()))) {
					this.payloads.add(unpacker.unpackValue().toJson());
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
			if (frame instanceof Frame.Ping ping) {
				send(answer(ping));
				send(answer(ping));
			}
		}

		// A pong, or with padding a response of that many payload bytes.
		private ByteBuf answer(Frame.Ping ping) {
			if (this.pongPadding == 0) {
				return FrameCodec.encodePing(channel().alloc(), true, ping.data());
			}
			try {
				return FrameCodec.encodeResponse(channel().alloc(), (int) ping.data(), (packer) -> {
					packer.packBinaryHeader(this.pongPadding);
					packer.writePayload(new byte[this.pongPadding]);
				});
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
