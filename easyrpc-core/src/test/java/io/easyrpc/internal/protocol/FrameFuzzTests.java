package io.easyrpc.internal.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.transport.FrameBodyDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property tests of the frame decoder: generated valid frames round-trip, and every
 * mutation of one (bit flips, truncation, inflated size headers, stray bytes) either
 * decodes or fails with a {@link ProtocolException} that says why, without allocating
 * more than its size allows. The normal build runs a short series; {@code -Pfuzz} runs
 * many more tries with paranoid leak detection.
 */
class FrameFuzzTests {

	private static final ByteBufAllocator HEAP = io.netty.buffer.UnpooledByteBufAllocator.DEFAULT;

	private static final int MAX_FRAME = 64 * 1024;

	@Property
	void validFramesRoundTripAndMutationsFailCleanly(@ForAll("frames") byte[] valid, @ForAll Random random) {
		ByteBuf body = Unpooled.wrappedBuffer(valid);
		byte[] again = reencode(FrameCodec.decode(body));
		FuzzInputs.count();
		assertThat(again).isEqualTo(valid);
		for (int i = 0; i < FuzzInputs.MUTATIONS; i++) {
			byte[] mutated = FuzzInputs.mutate(valid, random);
			decodeMutated(mutated, random.nextBoolean());
		}
	}

	@Property
	void mutatedStreamsThroughTheFrameDecoderFailOnlyWithProtocolErrors(@ForAll("frames") byte[] valid,
			@ForAll Random random) {
		for (int i = 0; i <= FuzzInputs.MUTATIONS; i++) {
			byte[] body = (i == 0) ? valid : FuzzInputs.mutate(valid, random);
			List<Object> decoded = new ArrayList<>();
			// Every failure is collected here, as a connection's last handler would see
			// it,
			// and asserted below: none reaches EmbeddedChannel, which would only log the
			// second and later ones of a stream.
			List<Throwable> failures = new ArrayList<>();
			EmbeddedChannel channel = new EmbeddedChannel(new FrameBodyDecoder(MAX_FRAME),
					new ChannelInboundHandlerAdapter() {

						@Override
						public void channelRead(ChannelHandlerContext ctx, Object msg) {
							ByteBuf frame = (ByteBuf) msg;
							try {
								decoded.add(FrameCodec.decode(frame));
							}
							finally {
								frame.release();
							}
						}

						@Override
						public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
							failures.add(cause);
						}

					});
			// Length prefix of the valid body, or of the mutated one, or a mutated
			// prefix: the stream decoder must cope with all of them.
			int length = (random.nextInt(4) == 0) ? valid.length : body.length;
			ByteBuf stream = PooledByteBufAllocator.DEFAULT.directBuffer(4 + body.length);
			int prefix = (random.nextInt(8) == 0) ? random.nextInt() : length;
			stream.writeInt(prefix).writeBytes(body);
			int split = random.nextInt(stream.readableBytes() + 1);
			try {
				channel.writeInbound(stream.readRetainedSlice(split));
				channel.writeInbound(stream);
			}
			finally {
				channel.finishAndReleaseAll();
			}
			if (i == 0 && prefix == body.length) {
				// the valid frame, whole: decoded once and nothing failed
				assertThat(failures).as(ByteBufUtil.hexDump(body)).isEmpty();
				assertThat(decoded).hasSize(1);
			}
			for (Throwable failure : failures) {
				Throwable cause = (failure instanceof DecoderException) ? failure.getCause() : failure;
				assertThat(cause).as(ByteBufUtil.hexDump(body)).isInstanceOf(ProtocolException.class);
				assertExplained(cause, body);
			}
			FuzzInputs.count();
		}
	}

	@AfterContainer
	static void report() {
		System.out.println("FrameFuzzTests: " + FuzzInputs.counted() + " inputs decoded in this JVM so far");
	}

	private static void decodeMutated(byte[] mutated, boolean direct) {
		ByteBuf body = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(mutated.length).writeBytes(mutated)
				: Unpooled.wrappedBuffer(mutated);
		long before = FuzzInputs.allocated();
		try {
			Frame frame = FrameCodec.decode(body);
			assertThat(frame).isNotNull();
		}
		catch (ProtocolException ex) {
			assertExplained(ex, mutated);
		}
		catch (RuntimeException | Error ex) {
			fail("Decoding %s threw %s", ByteBufUtil.hexDump(mutated), ex);
		}
		finally {
			ReferenceCountUtil.release(body);
		}
		long allocated = FuzzInputs.allocated() - before;
		assertThat(allocated).as("bytes allocated decoding %s", ByteBufUtil.hexDump(mutated))
			.isLessThan(FuzzInputs.allocationBound(mutated.length));
		FuzzInputs.count();
	}

	private static void assertExplained(Throwable ex, byte[] input) {
		assertThat(ex.getMessage()).as("message for %s", ByteBufUtil.hexDump(input))
			.isNotBlank()
			.doesNotEndWith(": null");
		if (ex instanceof ProtocolException protocol) {
			assertThat(protocol.getStatus()).isIn(RpcStatus.INVALID_ARGUMENT, RpcStatus.RESOURCE_EXHAUSTED);
		}
	}

	@Provide
	Arbitrary<byte[]> frames() {
		Arbitrary<Integer> callIds = Arbitraries.integers().between(0, Integer.MAX_VALUE);
		Arbitrary<String> texts = Arbitraries.strings()
			.withCharRange(' ', '~')
			.withCharRange('\u00a0', '\u07ff')
			.withChars('\n', '\u001b', '\u20ac', '\u4e2d')
			.ofMaxLength(40);
		Arbitrary<String> nullableTexts = texts.injectNull(0.2);
		Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
		Arbitrary<Map<String, String>> headers = Arbitraries.maps(texts, nullableTexts).ofMaxSize(3);
		Arbitrary<Metadata> metadata = Combinators
			.combine(Arbitraries.longs().between(0, Metadata.MAX_TIMEOUT_MILLIS), texts.injectNull(0.7),
					texts.injectNull(0.7), headers)
			.as(Metadata::new);
		Arbitrary<RpcStatus> statuses = Arbitraries.of(RpcStatus.class);
		Arbitrary<byte[]> nonces = Arbitraries.bytes().array(byte[].class).ofSize(SharedSecret.NONCE_LENGTH);
		Arbitrary<byte[]> proofs = Arbitraries.bytes().array(byte[].class).ofSize(SharedSecret.PROOF_LENGTH);
		return Arbitraries.oneOf(
				Combinators.combine(callIds, texts, metadata, payloads)
					.as((id, method, meta,
							payload) -> bytes(() -> FrameCodec.encodeRequest(HEAP, id, method, meta, raw(payload)))),
				Combinators.combine(texts, metadata, payloads)
					.as((method, meta,
							payload) -> bytes(() -> FrameCodec.encodeNotification(HEAP, method, meta, raw(payload)))),
				Combinators.combine(callIds, payloads)
					.as((id, payload) -> bytes(() -> FrameCodec.encodeResponse(HEAP, id, raw(payload)))),
				Combinators.combine(callIds, payloads)
					.as((id, payload) -> bytes(() -> FrameCodec.encodeNext(HEAP, id, raw(payload)))),
				Combinators.combine(callIds, statuses, nullableTexts, nullableTexts, nullableTexts)
					.as((id, status, message, type,
							trace) -> bytes(FrameCodec.encodeError(HEAP, id, status, message, type, trace))),
				callIds.map((id) -> bytes(FrameCodec.encodeComplete(HEAP, id))),
				Combinators.combine(callIds, Arbitraries.integers().between(1, Integer.MAX_VALUE))
					.as((id, n) -> bytes(FrameCodec.encodeRequestN(HEAP, id, n))),
				Combinators.combine(callIds, Arbitraries.of(RpcStatus.CANCELLED, RpcStatus.DEADLINE_EXCEEDED))
					.as((id, reason) -> bytes(FrameCodec.encodeCancel(HEAP, id, reason))),
				Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs())
					.as((pong, data) -> bytes(FrameCodec.encodePing(HEAP, pong, data))),
				Combinators.combine(statuses, nullableTexts)
					.as((status, message) -> bytes(FrameCodec.encodeGoAway(HEAP, status, message))),
				nonces.map((nonce) -> bytes(FrameCodec.encodeAuthChallenge(HEAP, nonce))),
				Combinators.combine(nonces, proofs)
					.as((nonce, proof) -> bytes(FrameCodec.encodeAuthResponse(HEAP, nonce, proof))),
				proofs.map((proof) -> bytes(FrameCodec.encodeAuthOk(HEAP, proof))));
	}

	// A payload is opaque to the frame codec: any bytes, written as they are.
	private static PayloadWriter raw(byte[] payload) {
		return (packer) -> packer.writePayload(payload);
	}

	private static byte[] bytes(ByteBuf frame) {
		try {
			return ByteBufUtil.getBytes(frame);
		}
		finally {
			frame.release();
		}
	}

	private static byte[] bytes(EncodeAction action) {
		try {
			return bytes(action.encode());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] reencode(Frame frame) {
		if (frame instanceof Frame.Request r) {
			return bytes(() -> FrameCodec.encodeRequest(HEAP, r.callId(), r.method(), r.metadata(),
					raw(ByteBufUtil.getBytes(r.payload()))));
		}
		if (frame instanceof Frame.Notification n) {
			return bytes(() -> FrameCodec.encodeNotification(HEAP, n.method(), n.metadata(),
					raw(ByteBufUtil.getBytes(n.payload()))));
		}
		if (frame instanceof Frame.Response r) {
			return bytes(() -> FrameCodec.encodeResponse(HEAP, r.callId(), raw(ByteBufUtil.getBytes(r.payload()))));
		}
		if (frame instanceof Frame.Next n) {
			return bytes(() -> FrameCodec.encodeNext(HEAP, n.callId(), raw(ByteBufUtil.getBytes(n.payload()))));
		}
		if (frame instanceof Frame.Error e) {
			return bytes(FrameCodec.encodeError(HEAP, e.callId(), RpcStatus.fromCode(e.statusCode()), e.message(),
					e.errorClass(), e.stackTrace()));
		}
		if (frame instanceof Frame.Complete c) {
			return bytes(FrameCodec.encodeComplete(HEAP, c.callId()));
		}
		if (frame instanceof Frame.RequestN r) {
			return bytes(FrameCodec.encodeRequestN(HEAP, r.callId(), r.n()));
		}
		if (frame instanceof Frame.Cancel c) {
			return bytes(FrameCodec.encodeCancel(HEAP, c.callId(), c.reason()));
		}
		if (frame instanceof Frame.Ping p) {
			return bytes(FrameCodec.encodePing(HEAP, false, p.data()));
		}
		if (frame instanceof Frame.Pong p) {
			return bytes(FrameCodec.encodePing(HEAP, true, p.data()));
		}
		if (frame instanceof Frame.GoAway g) {
			return bytes(FrameCodec.encodeGoAway(HEAP, RpcStatus.fromCode(g.statusCode()), g.message()));
		}
		if (frame instanceof Frame.AuthChallenge a) {
			return bytes(FrameCodec.encodeAuthChallenge(HEAP, a.nonce()));
		}
		if (frame instanceof Frame.AuthResponse a) {
			return bytes(FrameCodec.encodeAuthResponse(HEAP, a.nonce(), a.proof()));
		}
		if (frame instanceof Frame.AuthOk a) {
			return bytes(FrameCodec.encodeAuthOk(HEAP, a.proof()));
		}
		throw new AssertionError("Valid frame decoded as " + frame);
	}

	@FunctionalInterface
	private interface EncodeAction {

		ByteBuf encode() throws IOException;

	}

}
