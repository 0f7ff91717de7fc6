package io.easyrpc.internal.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for the handlers of {@link StreamFraming} ({@link PrefaceDecoder},
 * {@link FrameBodyDecoder}, {@link PrefaceEncoder} and the length prepender) on an
 * {@link EmbeddedChannel}.
 */
class StreamFramingTests {

	private static final int MAX_FRAME_SIZE = 1024;

	private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

	private final List<ByteBuf> created = new ArrayList<>();

	private final List<ByteBuf> emitted = new ArrayList<>();

	private EmbeddedChannel channel;

	private byte[] preface;

	private List<byte[]> frames;

	@BeforeEach
	void setUp() throws IOException {
		this.channel = framedChannel();
		ByteBuf prefaceBuf = ALLOCATOR.heapBuffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, 4096).writeTo(prefaceBuf);
		this.preface = take(prefaceBuf);
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 1, "Greeter.hello", new Metadata(300, null, null, null),
				(packer) -> {
					packer.packArrayHeader(1);
					packer.packString("Ada");
				});
		ByteBuf response = FrameCodec.encodeResponse(ALLOCATOR, 1, (packer) -> packer.packString("Hello, Ada"));
		this.frames = List.of(lengthPrefixed(take(request)), lengthPrefixed(take(response)),
				lengthPrefixed(take(FrameCodec.encodePing(ALLOCATOR, false, 7))),
				lengthPrefixed(take(FrameCodec.encodeGoAway(ALLOCATOR, RpcStatus.UNAVAILABLE, "bye"))));
	}

	@AfterEach
	void everyBufferIsReleased() {
		this.channel.finishAndReleaseAll();
		this.emitted.forEach(ByteBuf::release);
		assertThat(this.emitted).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
		assertThat(this.created).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void prefaceAndFramesFedOneByteAtATimeAreReassembled() {
		byte[] stream = concat(this.preface, this.frames);
		List<Object> out = new ArrayList<>();
		for (int i = 0; i < stream.length; i++) {
			this.channel.writeInbound(buffer(stream, i, 1));
			drainInbound(out);
			if (i < Preface.LENGTH - 1) {
				assertThat(out).as("output after %d bytes", i + 1).isEmpty();
			}
		}
		assertDecodedStream(out);
	}

	@Test
	void streamSplitIntoChunksOfAnySizeIsReassembled() {
		byte[] stream = concat(this.preface, this.frames);
		for (int chunk = 2; chunk <= stream.length; chunk++) {
			EmbeddedChannel chunked = framedChannel();
			List<Object> out = new ArrayList<>();
			for (int offset = 0; offset < stream.length; offset += chunk) {
				chunked.writeInbound(buffer(stream, offset, Math.min(chunk, stream.length - offset)));
				drainInbound(chunked, out);
			}
			assertThat(chunked.finish()).isFalse();
			assertDecodedStream(out);
		}
	}

	@Test
	void streamSplitAtRandomPointsIsReassembled() {
		byte[] stream = concat(this.preface, this.frames);
		Random random = new Random(20240611);
		for (int round = 0; round < 50; round++) {
			EmbeddedChannel split = framedChannel();
			List<Object> out = new ArrayList<>();
			int offset = 0;
			while (offset < stream.length) {
				int length = Math.min(1 + random.nextInt(12), stream.length - offset);
				split.writeInbound(buffer(stream, offset, length));
				offset += length;
				drainInbound(split, out);
			}
			assertThat(split.finish()).isFalse();
			assertDecodedStream(out);
		}
	}

	@Test
	void severalFramesInOneBufferAreAllEmitted() {
		this.channel.writeInbound(buffer(concat(this.preface, this.frames)));
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertDecodedStream(out);
	}

	@Test
	void framesReadFromDirectMemoryAreEmittedOnTheHeap() {
		byte[] stream = concat(this.preface, this.frames);
		ByteBuf direct = ALLOCATOR.directBuffer(stream.length).writeBytes(stream);
		this.created.add(direct);
		this.channel.writeInbound(direct);
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertDecodedStream(out);
		assertThat(out.subList(1, out.size())).allSatisfy((body) -> assertThat(((ByteBuf) body).hasArray()).isTrue());
	}

	@Test
	void frameOfExactlyTheMaximumSizeIsAccepted() {
		byte[] body = new byte[MAX_FRAME_SIZE];
		body[0] = (byte) 0x91;
		this.channel.writeInbound(buffer(concat(this.preface, List.of(lengthPrefixed(body)))));
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).hasSize(2);
		assertThat(ByteBufUtil.getBytes((ByteBuf) out.get(1))).isEqualTo(body);
	}

	@Test
	void oversizedLengthPrefixIsRefusedBeforeTheBodyArrives() {
		ByteBuf prefix = buffer(concat(this.preface, List.of(new byte[] { 0, 0, 0x04, 0x01 })));
		ProtocolException error = protocolError(() -> this.channel.writeInbound(prefix));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		assertThat(error.getMessage()).contains("1025").contains(String.valueOf(MAX_FRAME_SIZE));
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).singleElement().isInstanceOf(Preface.class);
	}

	@Test
	void bytesAfterAnOversizedFrameAreDiscarded() {
		byte[] oversized = lengthPrefixed(new byte[MAX_FRAME_SIZE + 1]);
		byte[] stream = concat(this.preface, List.of(this.frames.get(0), oversized, this.frames.get(1)));
		ProtocolException error = protocolError(() -> this.channel.writeInbound(buffer(stream)));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).hasSize(2);
		assertThat(out.get(0)).isInstanceOf(Preface.class);
		assertThat(ByteBufUtil.getBytes((ByteBuf) out.get(1))).isEqualTo(body(this.frames.get(0)));
		this.channel.writeInbound(buffer(this.frames.get(2)));
		this.channel.writeInbound(buffer(concat(this.preface, this.frames)));
		assertThat((Object) this.channel.readInbound()).isNull();
		this.channel.checkException();
	}

	@Test
	void badMagicIsAProtocolError() {
		byte[] http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		ProtocolException error = protocolError(() -> this.channel.writeInbound(buffer(http)));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
		assertThat(error.getMessage()).contains("ERPC").contains("0x47455420");
		assertThat((Object) this.channel.readInbound()).isNull();
		this.channel.writeInbound(buffer(concat(this.preface, this.frames)));
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void plainMessagePackRpcRequestIsNotMistakenForAPreface() {
		// [0, 1, "hello", ["Ada"]] as a MessagePack-RPC client would send it
		byte[] msgpackRpc = { (byte) 0x94, 0x00, 0x01, (byte) 0xa5, 'h', 'e', 'l', 'l', 'o', (byte) 0x91, (byte) 0xa3,
				'A', 'd', 'a' };
		ProtocolException error = protocolError(() -> this.channel.writeInbound(buffer(msgpackRpc)));
		assertThat(error.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
	}

	@Test
	void prefaceIsPassedOnWithItsVersionFlagsAndUnsignedMaximum() {
		byte[] future = { 'E', 'R', 'P', 'C', 2, (byte) 0x80, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff };
		this.channel.writeInbound(buffer(future));
		assertThat((Object) this.channel.readInbound()).isEqualTo(new Preface(2, 0x80, Integer.MAX_VALUE));
	}

	@Test
	void emptyFrameBodyIsEmittedAsAnEmptyBuffer() {
		this.channel.writeInbound(buffer(concat(this.preface, List.of(new byte[4]))));
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).hasSize(2);
		assertThat(((ByteBuf) out.get(1)).readableBytes()).isZero();
	}

	@Test
	void incompleteFrameAtCloseIsDropped() {
		byte[] stream = concat(this.preface, this.frames);
		this.channel.writeInbound(buffer(stream, 0, stream.length - 1));
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).hasSize(this.frames.size());
		assertThat(this.channel.finish()).isFalse();
	}

	@Test
	void prefaceGoesOutBareAndEveryFrameBodyBehindItsLength() {
		Preface preface = new Preface(Preface.CURRENT_VERSION, 0, 4096);
		this.channel.writeOutbound(preface);
		for (byte[] frame : this.frames) {
			this.channel.writeOutbound(buffer(body(frame)));
		}
		this.channel.writeOutbound(ALLOCATOR.heapBuffer(0));
		List<byte[]> written = new ArrayList<>();
		ByteBuf buf;
		while ((buf = this.channel.readOutbound()) != null) {
			written.add(take(buf));
		}
		byte[] all = concat(new byte[0], written);
		assertThat(all).isEqualTo(concat(this.preface, this.frames));
	}

	@Test
	void bytesAfterThePrefaceReachTheFrameDecoderWhenThePrefaceDecoderLeaves() {
		this.channel.writeInbound(buffer(concat(this.preface, List.of(this.frames.get(0)))));
		assertThat(this.channel.pipeline().get(PrefaceDecoder.class)).isNull();
		List<Object> out = new ArrayList<>();
		drainInbound(out);
		assertThat(out).hasSize(2);
		assertThat(ByteBufUtil.getBytes((ByteBuf) out.get(1))).isEqualTo(body(this.frames.get(0)));
	}

	private static EmbeddedChannel framedChannel() {
		EmbeddedChannel channel = new EmbeddedChannel();
		StreamFraming.addHandlers(channel.pipeline(), MAX_FRAME_SIZE);
		return channel;
	}

	private void assertDecodedStream(List<Object> out) {
		assertThat(out).hasSize(1 + this.frames.size());
		assertThat(out.get(0)).isEqualTo(new Preface(Preface.CURRENT_VERSION, 0, 4096));
		for (int i = 0; i < this.frames.size(); i++) {
			assertThat(out.get(i + 1)).isInstanceOf(ByteBuf.class);
			assertThat(ByteBufUtil.getBytes((ByteBuf) out.get(i + 1))).as("body of frame %d", i)
				.isEqualTo(body(this.frames.get(i)));
		}
	}

	private void drainInbound(List<Object> out) {
		drainInbound(this.channel, out);
	}

	private void drainInbound(EmbeddedChannel from, List<Object> out) {
		Object message;
		while ((message = from.readInbound()) != null) {
			if (message instanceof ByteBuf buf) {
				this.emitted.add(buf);
			}
			out.add(message);
		}
	}

	private static ProtocolException protocolError(Runnable action) {
		Throwable thrown = catchThrowable(action::run);
		assertThat(thrown).isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolException.class);
		return (ProtocolException) thrown.getCause();
	}

	private ByteBuf buffer(byte[] bytes) {
		return buffer(bytes, 0, bytes.length);
	}

	private ByteBuf buffer(byte[] bytes, int offset, int length) {
		ByteBuf buf = ALLOCATOR.heapBuffer(length).writeBytes(bytes, offset, length);
		this.created.add(buf);
		return buf;
	}

	private static byte[] take(ByteBuf buf) {
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	private static byte[] body(byte[] frame) {
		byte[] body = new byte[frame.length - StreamFraming.LENGTH_PREFIX];
		System.arraycopy(frame, StreamFraming.LENGTH_PREFIX, body, 0, body.length);
		return body;
	}

	private static byte[] lengthPrefixed(byte[] body) {
		byte[] frame = new byte[StreamFraming.LENGTH_PREFIX + body.length];
		frame[0] = (byte) (body.length >>> 24);
		frame[1] = (byte) (body.length >>> 16);
		frame[2] = (byte) (body.length >>> 8);
		frame[3] = (byte) body.length;
		System.arraycopy(body, 0, frame, StreamFraming.LENGTH_PREFIX, body.length);
		return frame;
	}

	private static byte[] concat(byte[] first, List<byte[]> rest) {
		int length = first.length + rest.stream().mapToInt((part) -> part.length).sum();
		byte[] all = new byte[length];
		System.arraycopy(first, 0, all, 0, first.length);
		int offset = first.length;
		for (byte[] part : rest) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

}
