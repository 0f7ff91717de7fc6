package io.easyrpc.internal.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import io.easyrpc.RpcStatus;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link FrameCodec}: every frame type survives a round trip, unknown types are
 * reported as {@link Frame.Unsupported}, and malformed bodies are refused with a
 * {@link ProtocolException}.
 */
class FrameCodecTests {

	private final RecordingAllocator allocator = new RecordingAllocator();

	@AfterEach
	void everyBufferIsReleased() {
		assertThat(this.allocator.allocated).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void requestRoundTripKeepsEveryField() throws IOException {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("authorization", "Bearer abc");
		headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		headers.put("empty", null);
		Metadata metadata = new Metadata(1500, "idem-7", "session-3", headers);
		ByteBuf encoded = FrameCodec.encodeRequest(this.allocator, 42, "shop/Greeter.hello", metadata, (packer) -> {
			packer.packArrayHeader(3);
			packer.packString("Ada");
			packer.packInt(7);
			packer.packBoolean(true);
		});
		roundTrip(encoded, Frame.Request.class, (request) -> {
			assertThat(request.type()).isEqualTo(FrameType.REQUEST);
			assertThat(request.callId()).isEqualTo(42);
			assertThat(request.method()).isEqualTo("shop/Greeter.hello");
			assertThat(request.metadata()).isEqualTo(metadata);
			assertThat(request.metadata().headers()).containsExactlyEntriesOf(headers);
			assertThat(unpack(request.payload())).isEqualTo(ValueFactory.newArray(ValueFactory.newString("Ada"),
					ValueFactory.newInteger(7), ValueFactory.newBoolean(true)));
		});
	}

	@Test
	void requestRoundTripWithLargestCallId() throws IOException {
		ByteBuf encoded = FrameCodec.encodeRequest(this.allocator, Integer.MAX_VALUE, "Greeter.hello", Metadata.EMPTY,
				(packer) -> packer.packArrayHeader(0));
		roundTrip(encoded, Frame.Request.class, (request) -> {
			assertThat(request.callId()).isEqualTo(Integer.MAX_VALUE);
			assertThat(unpack(request.payload())).isEqualTo(ValueFactory.emptyArray());
		});
	}

	@Test
	void emptyOrMissingMetadataIsWrittenAsNilAndReadAsEmpty() throws IOException {
		for (Metadata metadata : new Metadata[] { null, Metadata.EMPTY, new Metadata(0, null, null, Map.of()) }) {
			ByteBuf encoded = FrameCodec.encodeRequest(this.allocator, 1, "A.b", metadata,
					(packer) -> packer.packArrayHeader(0));
			// array header, type, call id, fixstr "A.b" (4): then the nil
			assertThat(encoded.getUnsignedByte(7)).isEqualTo((short) 0xc0);
			roundTrip(encoded, Frame.Request.class, (request) -> {
				assertThat(request.metadata()).isEqualTo(Metadata.EMPTY);
				assertThat(request.metadata().isEmpty()).isTrue();
			});
		}
	}

	@Test
	void metadataWithOnlySomeKeysRoundTrips() throws IOException {
		Metadata metadata = new Metadata(0, null, "session-only", null);
		ByteBuf encoded = FrameCodec.encodeNotification(this.allocator, "Audit.record", metadata,
				(packer) -> packer.packArrayHeader(0));
		roundTrip(encoded, Frame.Notification.class, (notification) -> {
			assertThat(notification.metadata()).isEqualTo(metadata);
			assertThat(notification.metadata().headers()).isEmpty();
		});
	}

	@Test
	void metadataSkipsUnknownIntegerAndStringKeys() throws IOException {
		ByteBuf body = body((packer) -> {
			packer.packArrayHeader(5);
			packer.packInt(FrameType.REQUEST.code());
			packer.packInt(9);
			packer.packString("Greeter.hello");
			packer.packMapHeader(6);
			packer.packInt(99);
			packer.packArrayHeader(2);
			packer.packInt(1);
			packer.packString("nested");
			packer.packInt(Metadata.KEY_TIMEOUT);
			packer.packLong(250);
			packer.packString("future-key");
			packer.packMapHeader(1);
			packer.packString("a");
			packer.packInt(1);
			packer.packInt(Metadata.KEY_IDEMPOTENCY_KEY);
			packer.packString("idem");
			packer.packInt(-3);
			packer.packNil();
			packer.packInt(Metadata.KEY_HEADERS);
			packer.packMapHeader(1);
			packer.packString("x-trace");
			packer.packString("t1");
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
		});
		decode(body, Frame.Request.class, (request) -> {
			assertThat(request.callId()).isEqualTo(9);
			assertThat(request.metadata()).isEqualTo(new Metadata(250, "idem", null, Map.of("x-trace", "t1")));
			assertThat(unpack(request.payload())).isEqualTo(ValueFactory.emptyArray());
		});
	}

	@Test
	void nilValuesInMetadataMeanAbsent() throws IOException {
		ByteBuf body = body((packer) -> {
			packer.packArrayHeader(4);
			packer.packInt(FrameType.NOTIFICATION.code());
			packer.packString("Greeter.log");
			packer.packMapHeader(3);
			packer.packInt(Metadata.KEY_IDEMPOTENCY_KEY);
			packer.packNil();
			packer.packInt(Metadata.KEY_SESSION_ID);
			packer.packNil();
			packer.packInt(Metadata.KEY_HEADERS);
			packer.packNil();
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
		});
		decode(body, Frame.Notification.class,
				(notification) -> assertThat(notification.metadata()).isEqualTo(Metadata.EMPTY));
	}

	@Test
	void notificationRoundTripWithNamedArguments() throws IOException {
		ByteBuf encoded = FrameCodec.encodeNotification(this.allocator, "Greeter.log", new Metadata(0, "k", null, null),
				(packer) -> {
					packer.packMapHeader(2);
					packer.packString("line");
					packer.packString("hi");
					packer.packString("level");
					packer.packInt(3);
				});
		roundTrip(encoded, Frame.Notification.class, (notification) -> {
			assertThat(notification.type()).isEqualTo(FrameType.NOTIFICATION);
			assertThat(notification.method()).isEqualTo("Greeter.log");
			assertThat(notification.metadata()).isEqualTo(new Metadata(0, "k", null, null));
			Map<Value, Value> arguments = new LinkedHashMap<>();
			arguments.put(ValueFactory.newString("line"), ValueFactory.newString("hi"));
			arguments.put(ValueFactory.newString("level"), ValueFactory.newInteger(3));
			assertThat(unpack(notification.payload())).isEqualTo(ValueFactory.newMap(arguments));
		});
	}

	@Test
	void responseRoundTrip() throws IOException {
		ByteBuf encoded = FrameCodec.encodeResponse(this.allocator, 5, (packer) -> packer.packString("Hello, Ada"));
		roundTrip(encoded, Frame.Response.class, (response) -> {
			assertThat(response.type()).isEqualTo(FrameType.RESPONSE);
			assertThat(response.callId()).isEqualTo(5);
			assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newString("Hello, Ada"));
		});
	}

	@Test
	void responseRoundTripWithNilResult() throws IOException {
		ByteBuf encoded = FrameCodec.encodeResponse(this.allocator, 6, MessagePacker::packNil);
		roundTrip(encoded, Frame.Response.class, (response) -> {
			assertThat(ByteBufUtil.getBytes(response.payload())).containsExactly(0xc0);
		});
	}

	@Test
	void largePayloadGrowsTheBufferAndKeepsItsLength() throws IOException {
		byte[] blob = new byte[200_000];
		for (int i = 0; i < blob.length; i++) {
			blob[i] = (byte) (i * 31);
		}
		ByteBuf encoded = FrameCodec.encodeResponse(this.allocator, 8, (packer) -> {
			packer.packBinaryHeader(blob.length);
			packer.writePayload(blob);
		});
		roundTrip(encoded, Frame.Response.class, (response) -> {
			assertThat(response.payload().readableBytes()).isEqualTo(blob.length + 5);
			assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newBinary(blob));
		});
	}

	@Test
	void errorRoundTripWithEveryField() {
		ByteBuf encoded = FrameCodec.encodeError(this.allocator, 11, RpcStatus.APPLICATION_ERROR, "Out of stock",
				"com.example.OutOfStockException", "com.example.OutOfStockException: Out of stock\n\tat Shop.buy");
		roundTrip(encoded, Frame.Error.class, (error) -> {
			assertThat(error.type()).isEqualTo(FrameType.ERROR);
			assertThat(error).isEqualTo(new Frame.Error(11, RpcStatus.APPLICATION_ERROR.code(), "Out of stock",
					"com.example.OutOfStockException", "com.example.OutOfStockException: Out of stock\n\tat Shop.buy"));
		});
	}

	@Test
	void errorRoundTripWithAbsentFields() {
		ByteBuf encoded = FrameCodec.encodeError(this.allocator, 12, RpcStatus.NOT_FOUND, null, null, null);
		roundTrip(encoded, Frame.Error.class, (error) -> assertThat(error)
			.isEqualTo(new Frame.Error(12, RpcStatus.NOT_FOUND.code(), null, null, null)));
	}

	@ParameterizedTest
	@EnumSource(RpcStatus.class)
	void errorRoundTripKeepsEveryStatusCode(RpcStatus status) {
		ByteBuf encoded = FrameCodec.encodeError(this.allocator, 1, status, "m", null, null);
		roundTrip(encoded, Frame.Error.class,
				(error) -> assertThat(RpcStatus.fromCode(error.statusCode())).isEqualTo(status));
	}

	@Test
	void cancelRoundTrip() {
		roundTrip(FrameCodec.encodeCancel(this.allocator, 77), Frame.Cancel.class, (cancel) -> {
			assertThat(cancel.type()).isEqualTo(FrameType.CANCEL);
			assertThat(cancel.callId()).isEqualTo(77);
			assertThat(cancel.reason()).isEqualTo(RpcStatus.CANCELLED);
		});
	}

	@Test
	void cancelAfterTheDeadlineRoundTripsWithItsReason() {
		ByteBuf frame = FrameCodec.encodeCancel(this.allocator, 78, RpcStatus.DEADLINE_EXCEEDED);
		assertThat(frame.readableBytes()).isEqualTo(4);
		roundTrip(frame, Frame.Cancel.class, (cancel) -> {
			assertThat(cancel.callId()).isEqualTo(78);
			assertThat(cancel.reason()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED);
		});
	}

	@Test
	void pingAndPongRoundTripAnyLong() {
		for (long data : new long[] { 0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40 }) {
			roundTrip(FrameCodec.encodePing(this.allocator, false, data), Frame.Ping.class, (ping) -> {
				assertThat(ping.type()).isEqualTo(FrameType.PING);
				assertThat(ping.data()).isEqualTo(data);
			});
			roundTrip(FrameCodec.encodePing(this.allocator, true, data), Frame.Pong.class, (pong) -> {
				assertThat(pong.type()).isEqualTo(FrameType.PONG);
				assertThat(pong.data()).isEqualTo(data);
			});
		}
	}

	@Test
	void goAwayRoundTrip() {
		roundTrip(FrameCodec.encodeGoAway(this.allocator, RpcStatus.UNAVAILABLE, "Server is shutting down"),
				Frame.GoAway.class, (goAway) -> {
					assertThat(goAway.type()).isEqualTo(FrameType.GOAWAY);
					assertThat(goAway)
						.isEqualTo(new Frame.GoAway(RpcStatus.UNAVAILABLE.code(), "Server is shutting down"));
				});
		roundTrip(FrameCodec.encodeGoAway(this.allocator, RpcStatus.RESOURCE_EXHAUSTED, null), Frame.GoAway.class,
				(goAway) -> assertThat(goAway).isEqualTo(new Frame.GoAway(RpcStatus.RESOURCE_EXHAUSTED.code(), null)));
	}

	@Test
	void payloadInAnyBinWidthIsAccepted() throws IOException {
		byte[] value = packed((packer) -> packer.packString("x"));
		for (int width : new int[] { 8, 16, 32 }) {
			ByteBuf body = this.allocator.heapBuffer();
			body.writeBytes(packed((packer) -> {
				packer.packArrayHeader(3);
				packer.packInt(FrameType.RESPONSE.code());
				packer.packInt(3);
			}));
			switch (width) {
				case 8 -> body.writeByte(0xc4).writeByte(value.length);
				case 16 -> body.writeByte(0xc5).writeShort(value.length);
				default -> body.writeByte(0xc6).writeInt(value.length);
			}
			body.writeBytes(value);
			decode(body, Frame.Response.class,
					(response) -> assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newString("x")));
		}
	}

	@Test
	void bodyInADirectBufferDecodesToTheSamePayload() throws IOException {
		ByteBuf encoded = FrameCodec.encodeResponse(this.allocator, 4, (packer) -> packer.packString("direct"));
		ByteBuf direct = this.allocator.directBuffer(encoded.readableBytes());
		direct.writeBytes(encoded, 0, encoded.readableBytes());
		encoded.release();
		decode(direct, Frame.Response.class, (response) -> {
			assertThat(response.callId()).isEqualTo(4);
			assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newString("direct"));
		});
	}

	@Test
	void bodyAfterOtherBytesInTheBufferDecodesFromItsReaderIndex() throws IOException {
		ByteBuf body = FrameCodec.encodeResponse(this.allocator, 4, (packer) -> packer.packString("offset"));
		ByteBuf encoded = this.allocator.heapBuffer().writeInt(0x7f7f7f7f).writeBytes(body);
		body.release();
		encoded.skipBytes(4);
		decode(encoded, Frame.Response.class,
				(response) -> assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newString("offset")));
	}

	@Test
	void failingPayloadWriterAllocatesNoFrameBuffer() throws Exception {
		onFreshThread(() -> assertThatIOException().isThrownBy(this::encodeWithFailingPayload)
			.withMessage("cannot write argument"));
		assertThat(this.allocator.allocated).isEmpty();
	}

	@Test
	void encodedFrameIsExactlyAsLargeAsItsBytes() throws IOException {
		byte[] payload = new byte[5000];
		ByteBuf frame = FrameCodec.encodeResponse(this.allocator, 9, (packer) -> {
			packer.packBinaryHeader(payload.length);
			packer.writePayload(payload);
		});
		try {
			assertThat(this.allocator.allocated).containsExactly(frame);
			assertThat(frame.capacity()).isEqualTo(frame.readableBytes());
		}
		finally {
			frame.release();
		}
	}

	@Test
	void failingPayloadWriterLeavesThePackerUsableForTheNextFrame() throws Exception {
		onFreshThread(() -> {
			assertThatIOException().isThrownBy(this::encodeWithFailingPayload);
			ByteBuf next = FrameCodec.encodeResponse(this.allocator, 2, (packer) -> packer.packString("ok"));
			roundTrip(next, Frame.Response.class, (response) -> {
				assertThat(response.callId()).isEqualTo(2);
				assertThat(unpack(response.payload())).isEqualTo(ValueFactory.newString("ok"));
			});
			return null;
		});
	}

	// The packers are per thread: a test that makes one fail must not leave a damaged
	// packer behind for the tests that run after it on the same thread.
	private static void onFreshThread(Callable<?> task) throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			executor.submit(task).get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (Exception) ex.getCause();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private void encodeWithFailingPayload() throws IOException {
		FrameCodec.encodeRequest(this.allocator, 1, "Greeter.hello", Metadata.EMPTY, (packer) -> {
			packer.packArrayHeader(1);
			packer.packString("partly written");
			throw new IOException("cannot write argument");
		}).release();
	}

	@Test
	void authChallengeRoundTrip() {
		byte[] nonce = SharedSecret.newNonce();
		roundTrip(FrameCodec.encodeAuthChallenge(this.allocator, nonce), Frame.AuthChallenge.class, (challenge) -> {
			assertThat(challenge.type()).isEqualTo(FrameType.AUTH_CHALLENGE);
			assertThat(challenge.nonce()).isEqualTo(nonce);
			assertThat(challenge).isEqualTo(new Frame.AuthChallenge(nonce.clone()));
		});
	}

	@Test
	void authResponseRoundTrip() {
		byte[] nonce = SharedSecret.newNonce();
		byte[] proof = SharedSecret.of("secret").clientProof(SharedSecret.newNonce(), nonce);
		roundTrip(FrameCodec.encodeAuthResponse(this.allocator, nonce, proof), Frame.AuthResponse.class, (response) -> {
			assertThat(response.type()).isEqualTo(FrameType.AUTH_RESPONSE);
			assertThat(response.nonce()).isEqualTo(nonce);
			assertThat(response.proof()).isEqualTo(proof);
			assertThat(response).isEqualTo(new Frame.AuthResponse(nonce.clone(), proof.clone()))
				.hasSameHashCodeAs(new Frame.AuthResponse(nonce.clone(), proof.clone()));
		});
	}

	@Test
	void authOkRoundTrip() {
		byte[] proof = SharedSecret.of("secret").serverProof(SharedSecret.newNonce(), SharedSecret.newNonce());
		roundTrip(FrameCodec.encodeAuthOk(this.allocator, proof), Frame.AuthOk.class, (ok) -> {
			assertThat(ok.type()).isEqualTo(FrameType.AUTH_OK);
			assertThat(ok.proof()).isEqualTo(proof);
		});
	}

	@Test
	void authFrameWithANonceOrProofOfAnotherLengthIsMalformed() throws IOException {
		for (int length : new int[] { 0, 16, 31, 33, 64 }) {
			assertMalformed(body((packer) -> {
				packer.packArrayHeader(2);
				packer.packInt(FrameType.AUTH_CHALLENGE.code());
				packer.packBinaryHeader(length);
				packer.writePayload(new byte[length]);
			}), "nonce of " + length + " bytes, expected 32");
			assertMalformed(body((packer) -> {
				packer.packArrayHeader(3);
				packer.packInt(FrameType.AUTH_RESPONSE.code());
				packer.packBinaryHeader(32);
				packer.writePayload(new byte[32]);
				packer.packBinaryHeader(length);
				packer.writePayload(new byte[length]);
			}), "proof of " + length + " bytes, expected 32");
			assertMalformed(body((packer) -> {
				packer.packArrayHeader(2);
				packer.packInt(FrameType.AUTH_OK.code());
				packer.packBinaryHeader(length);
				packer.writePayload(new byte[length]);
			}), "proof of " + length + " bytes, expected 32");
		}
	}

	@Test
	void authFrameWithAnIntegerInsteadOfBytesOrCutShortIsMalformed() throws IOException {
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.AUTH_CHALLENGE.code());
			packer.packInt(32);
		}), "Malformed frame");
		ByteBuf encoded = FrameCodec.encodeAuthResponse(this.allocator, SharedSecret.newNonce(),
				new byte[SharedSecret.PROOF_LENGTH]);
		try {
			ByteBuf body = encoded.slice();
			for (int length = 0; length < body.readableBytes(); length++) {
				ThrowingCallable decode = decodeOf(body.slice(0, length));
				assertThatExceptionOfType(ProtocolException.class).as("body cut to %d bytes", length)
					.isThrownBy(decode)
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT));
			}
		}
		finally {
			encoded.release();
		}
	}

	@Test
	void authEncodersRefuseNoncesAndProofsOfAnotherLength() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FrameCodec.encodeAuthChallenge(this.allocator, new byte[16]));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FrameCodec.encodeAuthResponse(this.allocator, new byte[32], new byte[31]));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FrameCodec.encodeAuthOk(this.allocator, null));
		assertThat(this.allocator.allocated).isEmpty();
	}

	private static ThrowingCallable decodeOf(ByteBuf body) {
		return () -> FrameCodec.decode(body);
	}

	@Test
	void unknownFrameTypeIsUnsupportedWithoutKnownType() throws IOException {
		for (int code : new int[] { 0, 15, 42, 1000 }) {
			ByteBuf body = body((packer) -> {
				packer.packArrayHeader(2);
				packer.packInt(code);
				packer.packString("from a newer peer");
			});
			decode(body, Frame.Unsupported.class, (frame) -> {
				assertThat(frame.code()).isEqualTo(code);
				assertThat(frame.knownType()).isNull();
			});
		}
	}

	@Test
	void streamFramesAreDecoded() throws IOException {
		decode(body((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.NEXT.code());
			packer.packInt(1);
			packPayload(packer, (payload) -> payload.packInt(7));
		}), Frame.Next.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(1);
			assertThat(frame.payload().readableBytes()).isEqualTo(1);
			assertThat(frame.payload().getByte(frame.payload().readerIndex())).isEqualTo((byte) 7);
		});
		decode(body((packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.COMPLETE.code());
			packer.packInt(1);
		}), Frame.Complete.class, (frame) -> assertThat(frame).isEqualTo(new Frame.Complete(1)));
		decode(body((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.REQUEST_N.code());
			packer.packInt(1);
			packer.packInt(16);
		}), Frame.RequestN.class, (frame) -> {
			assertThat(frame).isEqualTo(new Frame.RequestN(1, 16));
			assertThat(frame.type()).isEqualTo(FrameType.REQUEST_N);
		});
	}

	@Test
	void streamFramesRoundTrip() throws IOException {
		ByteBuf next = FrameCodec.encodeNext(this.allocator, 5, (packer) -> packer.packString("item"));
		ByteBuf complete = FrameCodec.encodeComplete(this.allocator, 5);
		ByteBuf requestN = FrameCodec.encodeRequestN(this.allocator, 5, Integer.MAX_VALUE);
		try {
			Frame.Next decoded = (Frame.Next) FrameCodec.decode(next);
			assertThat(decoded.callId()).isEqualTo(5);
			assertThat(MessagePackBuffers.get().unpacker(decoded.payload()).unpackString()).isEqualTo("item");
			assertThat(FrameCodec.decode(complete)).isEqualTo(new Frame.Complete(5));
			assertThat(FrameCodec.decode(requestN)).isEqualTo(new Frame.RequestN(5, Integer.MAX_VALUE));
		}
		finally {
			next.release();
			complete.release();
			requestN.release();
		}
	}

	@Test
	void requestNWithoutPositiveCreditIsMalformed() throws IOException {
		for (long credit : new long[] { 0, -1, 1L << 31 }) {
			ByteBuf body = body((packer) -> {
				packer.packArrayHeader(3);
				packer.packInt(FrameType.REQUEST_N.code());
				packer.packInt(1);
				packer.packLong(credit);
			});
			assertMalformed(body, "credit");
		}
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FrameCodec.encodeRequestN(this.allocator, 1, 0));
	}

	@Test
	void extraTrailingElementsAreIgnored() throws IOException {
		decode(body((packer) -> {
			packer.packArrayHeader(4);
			packer.packInt(FrameType.CANCEL.code());
			packer.packInt(3);
			packer.packString("added by a later version");
			packer.packMapHeader(0);
		}), Frame.Cancel.class, (cancel) -> assertThat(cancel.callId()).isEqualTo(3));
		decode(body((packer) -> {
			packer.packArrayHeader(6);
			packer.packInt(FrameType.REQUEST.code());
			packer.packInt(4);
			packer.packString("Greeter.hello");
			packer.packNil();
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
			packer.packBoolean(true);
		}), Frame.Request.class, (request) -> {
			assertThat(request.callId()).isEqualTo(4);
			assertThat(unpack(request.payload())).isEqualTo(ValueFactory.emptyArray());
		});
	}

	@Test
	void emptyArrayIsMalformed() throws IOException {
		assertMalformed(body((packer) -> packer.packArrayHeader(0)), "empty frame array");
	}

	@Test
	void bodyThatIsNotAnArrayIsMalformed() throws IOException {
		assertMalformed(body((packer) -> packer.packInt(1)), "Array");
		assertMalformed(body((packer) -> {
			packer.packMapHeader(1);
			packer.packInt(1);
			packer.packInt(1);
		}), "Array");
		assertMalformed(body((packer) -> packer.packString("ERPC")), "Array");
	}

	@Test
	void typeCodeThatIsNotAnIntegerIsMalformed() throws IOException {
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(2);
			packer.packString("REQUEST");
			packer.packInt(1);
		}), "Malformed frame");
	}

	@Test
	void emptyBodyIsMalformed() {
		assertMalformed(this.allocator.heapBuffer(0), "Malformed frame");
	}

	@ParameterizedTest
	@CsvSource({ "REQUEST, 5", "NOTIFICATION, 4", "RESPONSE, 3", "ERROR, 6", "CANCEL, 2", "PING, 2", "PONG, 2",
			"GOAWAY, 3", "AUTH_CHALLENGE, 2", "AUTH_RESPONSE, 3", "AUTH_OK, 2" })
	void frameWithTooFewElementsIsMalformed(FrameType type, int expected) throws IOException {
		ByteBuf body = body((packer) -> {
			packer.packArrayHeader(expected - 1);
			packer.packInt(type.code());
			for (int i = 2; i < expected; i++) {
				packer.packInt(1);
			}
		});
		assertMalformed(body, type + " frame has " + (expected - 1) + " elements, expected " + expected);
	}

	@Test
	void requestTruncatedAtAnyByteIsMalformed() throws IOException {
		ByteBuf encoded = FrameCodec.encodeRequest(this.allocator, 300, "Greeter.hello",
				new Metadata(300, "idem", "session", Map.of("k", "v")), (packer) -> {
					packer.packArrayHeader(2);
					packer.packString("Ada");
					packer.packInt(36);
				});
		try {
			ByteBuf body = encoded.slice();
			for (int length = 0; length < body.readableBytes(); length++) {
				ByteBuf truncated = body.slice(0, length);
				assertThatExceptionOfType(ProtocolException.class).as("body cut to %d bytes", length)
					.isThrownBy(() -> FrameCodec.decode(truncated))
					.satisfies((ex) -> {
						assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
						assertThat(ex.getMessage()).startsWith("Malformed frame: ");
					});
			}
			assertThat(FrameCodec.decode(body)).isInstanceOf(Frame.Request.class);
		}
		finally {
			encoded.release();
		}
	}

	@Test
	void negativeCallIdIsMalformed() throws IOException {
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.CANCEL.code());
			packer.packInt(-1);
		}), "call id -1 out of range");
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.RESPONSE.code());
			packer.packLong(Integer.MIN_VALUE);
			packPayload(packer, MessagePacker::packNil);
		}), "call id -2147483648 out of range");
	}

	@Test
	void callIdAboveTwoToTheThirtyOneMinusOneIsMalformed() throws IOException {
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(5);
			packer.packInt(FrameType.REQUEST.code());
			packer.packLong(1L << 31);
			packer.packString("Greeter.hello");
			packer.packNil();
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
		}), "call id 2147483648 out of range");
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(6);
			packer.packInt(FrameType.ERROR.code());
			packer.packLong(0xffffffffL);
			packer.packInt(5);
			packer.packNil();
			packer.packNil();
			packer.packNil();
		}), "call id 4294967295 out of range");
	}

	@Test
	void payloadLongerThanTheFrameIsMalformed() throws IOException {
		ByteBuf body = body((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.RESPONSE.code());
			packer.packInt(1);
			packer.packBinaryHeader(100);
			packer.writePayload(new byte[] { (byte) 0xa1, 'x' });
		});
		assertMalformed(body, "payload of 100 bytes exceeds the frame");
	}

	@Test
	void payloadLengthBeyondTwoGigabytesIsMalformed() throws IOException {
		ByteBuf body = this.allocator.heapBuffer();
		body.writeBytes(packed((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.RESPONSE.code());
			packer.packInt(1);
		}));
		body.writeByte(0xc6).writeInt(0xffffffff).writeByte(0xc0);
		assertMalformed(body, "Malformed frame");
	}

	@Test
	void negativeTimeoutIsMalformed() throws IOException {
		ByteBuf body = body((packer) -> {
			packer.packArrayHeader(5);
			packer.packInt(FrameType.REQUEST.code());
			packer.packInt(1);
			packer.packString("Greeter.hello");
			packer.packMapHeader(1);
			packer.packInt(Metadata.KEY_TIMEOUT);
			packer.packInt(-5);
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
		});
		assertMalformed(body, "negative timeout -5");
	}

	@Test
	void elementOfTheWrongTypeIsMalformed() throws IOException {
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(5);
			packer.packInt(FrameType.REQUEST.code());
			packer.packInt(1);
			packer.packInt(12345);
			packer.packNil();
			packPayload(packer, (payload) -> payload.packArrayHeader(0));
		}), "Malformed frame");
		assertMalformed(body((packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.RESPONSE.code());
			packer.packInt(1);
			packer.packInt(12345);
		}), "Malformed frame");
	}

	private <F extends Frame> void roundTrip(ByteBuf encoded, Class<F> type, Consumer<F> checks) {
		try {
			Frame frame = FrameCodec.decode(encoded);
			assertThat(frame).isInstanceOf(type);
			checks.accept(type.cast(frame));
		}
		finally {
			encoded.release();
		}
	}

	private <F extends Frame> void decode(ByteBuf body, Class<F> type, Consumer<F> checks) {
		try {
			Frame frame = FrameCodec.decode(body);
			assertThat(frame).isInstanceOf(type);
			checks.accept(type.cast(frame));
		}
		finally {
			body.release();
		}
	}

	private void assertMalformed(ByteBuf body, String expectedMessagePart) {
		try {
			ThrowingCallable decode = () -> FrameCodec.decode(body);
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(decode).satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
				assertThat(ex.getMessage()).startsWith("Malformed frame: ").contains(expectedMessagePart);
			});
		}
		finally {
			body.release();
		}
	}

	private ByteBuf body(PayloadWriter writer) throws IOException {
		byte[] bytes = packed(writer);
		return this.allocator.heapBuffer(bytes.length).writeBytes(bytes);
	}

	private static byte[] packed(PayloadWriter writer) throws IOException {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			writer.writeTo(packer);
			packer.flush();
			return packer.toByteArray();
		}
	}

	private static void packPayload(MessagePacker packer, PayloadWriter payload) throws IOException {
		byte[] bytes = packed(payload);
		packer.packBinaryHeader(bytes.length);
		packer.writePayload(bytes);
	}

	private static Value unpack(ByteBuf payload) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(payload))) {
			Value value = unpacker.unpackValue();
			assertThat(unpacker.hasNext()).as("payload holds exactly one value").isFalse();
			return value;
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	/**
	 * An allocator that remembers every buffer it hands out, so that a test can check
	 * that all of them were released.
	 */
	static final class RecordingAllocator extends AbstractByteBufAllocator {

		final List<ByteBuf> allocated = new ArrayList<>();

		RecordingAllocator() {
			super(false);
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return record(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return record(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
		}

		private ByteBuf record(ByteBuf buf) {
			this.allocated.add(buf);
			return buf;
		}

	}

}
