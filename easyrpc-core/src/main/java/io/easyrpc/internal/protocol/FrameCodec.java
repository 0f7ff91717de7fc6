package io.easyrpc.internal.protocol;

import io.easyrpc.internal.msgpack.UniversalBuffer;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.msgpack.SizeHeaderException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Encodes and decodes the bodies of easyrpc frames with msgpack-core. A frame body is a
 * MessagePack array whose first element is the {@link FrameType} code. Payloads are
 * carried as MessagePack {@code bin} values so that a frame can be split without decoding
 * them. How a transport delimits the bodies is its own business: a byte stream puts a
 * length prefix in front of each ({@code StreamFraming}), a WebSocket sends one body per
 * message.
 * <p>
 * Encoders return a buffer from the given allocator holding exactly one frame body; the
 * caller owns it.
 */
public final class FrameCodec {

	static {
		UniversalBuffer.select();
	}

	private static final int BIN32 = 0xc6;

	private FrameCodec() {
	}

	/**
	 * Encode a {@link FrameType#REQUEST} frame.
	 * @param alloc the allocator
	 * @param callId the call id
	 * @param method the method key
	 * @param metadata the metadata
	 * @param payload writes the arguments
	 * @return the encoded frame
	 * @throws IOException if the payload cannot be written
	 */
	public static ByteBuf encodeRequest(ByteBufAllocator alloc, int callId, String method, Metadata metadata,
			PayloadWriter payload) throws IOException {
		return encodeWithPayload(alloc, FrameType.REQUEST, callId, method, metadata, payload);
	}

	/**
	 * Encode a {@link FrameType#NOTIFICATION} frame.
	 * @param alloc the allocator
	 * @param method the method key
	 * @param metadata the metadata
	 * @param payload writes the arguments
	 * @return the encoded frame
	 * @throws IOException if the payload cannot be written
	 */
	public static ByteBuf encodeNotification(ByteBufAllocator alloc, String method, Metadata metadata,
			PayloadWriter payload) throws IOException {
		return encodeWithPayload(alloc, FrameType.NOTIFICATION, -1, method, metadata, payload);
	}

	/**
	 * Encode a {@link FrameType#RESPONSE} frame.
	 * @param alloc the allocator
	 * @param callId the call id
	 * @param payload writes the result
	 * @return the encoded frame
	 * @throws IOException if the payload cannot be written
	 */
	public static ByteBuf encodeResponse(ByteBufAllocator alloc, int callId, PayloadWriter payload) throws IOException {
		return encodeWithPayload(alloc, FrameType.RESPONSE, callId, null, null, payload);
	}

	/**
	 * Encode an {@link FrameType#ERROR} frame.
	 * @param alloc the allocator
	 * @param callId the call id
	 * @param status the status
	 * @param message the message or {@code null}
	 * @param errorClass the exception class name or {@code null}
	 * @param stackTrace the stack trace or {@code null}
	 * @return the encoded frame
	 */
	public static ByteBuf encodeError(ByteBufAllocator alloc, int callId, RpcStatus status, String message,
			String errorClass, String stackTrace) {
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(6);
			packer.packInt(FrameType.ERROR.code());
			packer.packInt(callId);
			packer.packInt(status.code());
			packNullableString(packer, message);
			packNullableString(packer, errorClass);
			packNullableString(packer, stackTrace);
		});
	}

	/**
	 * Encode a {@link FrameType#NEXT} frame: one item of a server stream.
	 * @param alloc the allocator
	 * @param callId the call id of the stream
	 * @param payload writes the item
	 * @return the encoded frame
	 * @throws IOException if the payload cannot be written
	 */
	public static ByteBuf encodeNext(ByteBufAllocator alloc, int callId, PayloadWriter payload) throws IOException {
		return encodeWithPayload(alloc, FrameType.NEXT, callId, null, null, payload);
	}

	/**
	 * Encode a {@link FrameType#COMPLETE} frame: the successful end of a server stream.
	 * @param alloc the allocator
	 * @param callId the call id of the stream
	 * @return the encoded frame
	 */
	public static ByteBuf encodeComplete(ByteBufAllocator alloc, int callId) {
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.COMPLETE.code());
			packer.packInt(callId);
		});
	}

	/**
	 * Encode a {@link FrameType#REQUEST_N} frame: credit for {@code n} more items.
	 * @param alloc the allocator
	 * @param callId the call id of the stream
	 * @param n the credit, at least 1
	 * @return the encoded frame
	 */
	public static ByteBuf encodeRequestN(ByteBufAllocator alloc, int callId, int n) {
		if (n < 1) {
			throw new IllegalArgumentException("Credit must be at least 1, not " + n);
		}
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.REQUEST_N.code());
			packer.packInt(callId);
			packer.packInt(n);
		});
	}

	/**
	 * Encode a {@link FrameType#CANCEL} frame.
	 * @param alloc the allocator
	 * @param callId the call id
	 * @return the encoded frame
	 */
	public static ByteBuf encodeCancel(ByteBufAllocator alloc, int callId) {
		return encodeCancel(alloc, callId, RpcStatus.CANCELLED);
	}

	/**
	 * Encode a {@link FrameType#CANCEL} frame with its reason. A cancellation by the
	 * caller is encoded without the optional reason element.
	 * @param alloc the allocator
	 * @param callId the call id
	 * @param reason {@link RpcStatus#CANCELLED} or {@link RpcStatus#DEADLINE_EXCEEDED}
	 * @return the encoded frame
	 */
	public static ByteBuf encodeCancel(ByteBufAllocator alloc, int callId, RpcStatus reason) {
		boolean withReason = reason != RpcStatus.CANCELLED;
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(withReason ? 3 : 2);
			packer.packInt(FrameType.CANCEL.code());
			packer.packInt(callId);
			if (withReason) {
				packer.packInt(reason.code());
			}
		});
	}

	/**
	 * Encode a {@link FrameType#PING} or {@link FrameType#PONG} frame.
	 * @param alloc the allocator
	 * @param pong {@code true} for a pong
	 * @param data the data to carry
	 * @return the encoded frame
	 */
	public static ByteBuf encodePing(ByteBufAllocator alloc, boolean pong, long data) {
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(2);
			packer.packInt((pong ? FrameType.PONG : FrameType.PING).code());
			packer.packLong(data);
		});
	}

	/**
	 * Encode a {@link FrameType#GOAWAY} frame.
	 * @param alloc the allocator
	 * @param status the reason
	 * @param message the message or {@code null}
	 * @return the encoded frame
	 */
	public static ByteBuf encodeGoAway(ByteBufAllocator alloc, RpcStatus status, String message) {
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.GOAWAY.code());
			packer.packInt(status.code());
			packNullableString(packer, message);
		});
	}

	/**
	 * Encode an {@link FrameType#AUTH_CHALLENGE} frame.
	 * @param alloc the allocator
	 * @param serverNonce the server's nonce of {@link SharedSecret#NONCE_LENGTH} bytes
	 * @return the encoded frame
	 */
	public static ByteBuf encodeAuthChallenge(ByteBufAllocator alloc, byte[] serverNonce) {
		checkLength(serverNonce, SharedSecret.NONCE_LENGTH, "nonce");
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.AUTH_CHALLENGE.code());
			packBinary(packer, serverNonce);
		});
	}

	/**
	 * Encode an {@link FrameType#AUTH_RESPONSE} frame.
	 * @param alloc the allocator
	 * @param clientNonce the client's nonce of {@link SharedSecret#NONCE_LENGTH} bytes
	 * @param clientProof the client's proof of {@link SharedSecret#PROOF_LENGTH} bytes
	 * @return the encoded frame
	 */
	public static ByteBuf encodeAuthResponse(ByteBufAllocator alloc, byte[] clientNonce, byte[] clientProof) {
		checkLength(clientNonce, SharedSecret.NONCE_LENGTH, "nonce");
		checkLength(clientProof, SharedSecret.PROOF_LENGTH, "proof");
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(FrameType.AUTH_RESPONSE.code());
			packBinary(packer, clientNonce);
			packBinary(packer, clientProof);
		});
	}

	/**
	 * Encode an {@link FrameType#AUTH_OK} frame.
	 * @param alloc the allocator
	 * @param serverProof the server's proof of {@link SharedSecret#PROOF_LENGTH} bytes
	 * @return the encoded frame
	 */
	public static ByteBuf encodeAuthOk(ByteBufAllocator alloc, byte[] serverProof) {
		checkLength(serverProof, SharedSecret.PROOF_LENGTH, "proof");
		return encodeSimple(alloc, (packer) -> {
			packer.packArrayHeader(2);
			packer.packInt(FrameType.AUTH_OK.code());
			packBinary(packer, serverProof);
		});
	}

	/**
	 * Decode a frame body. Payload slices in the result share memory with {@code body}.
	 * @param body the frame body
	 * @return the frame
	 * @throws ProtocolException if the body is not a well-formed frame
	 */
	public static Frame decode(ByteBuf body) {
		MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(body);
		try {
			int size = unpacker.unpackArrayHeader();
			if (size < 1) {
				throw malformed("empty frame array", null);
			}
			int code = unpacker.unpackInt();
			FrameType type = FrameType.fromCode(code);
			if (type == null) {
				return new Frame.Unsupported(code, null);
			}
			switch (type) {
				case REQUEST: {
					expectSize(type, size, 5);
					int callId = readCallId(unpacker);
					String method = unpacker.unpackString();
					Metadata metadata = readMetadata(unpacker);
					return new Frame.Request(callId, method, metadata, readPayload(unpacker, body));
				}
				case NOTIFICATION: {
					expectSize(type, size, 4);
					String method = unpacker.unpackString();
					Metadata metadata = readMetadata(unpacker);
					return new Frame.Notification(method, metadata, readPayload(unpacker, body));
				}
				case RESPONSE: {
					expectSize(type, size, 3);
					int callId = readCallId(unpacker);
					return new Frame.Response(callId, readPayload(unpacker, body));
				}
				case ERROR: {
					expectSize(type, size, 6);
					int callId = readCallId(unpacker);
					int status = unpacker.unpackInt();
					String message = readNullableString(unpacker);
					String errorClass = readNullableString(unpacker);
					String stackTrace = readNullableString(unpacker);
					return new Frame.Error(callId, status, message, errorClass, stackTrace);
				}
				case NEXT: {
					expectSize(type, size, 3);
					int callId = readCallId(unpacker);
					return new Frame.Next(callId, readPayload(unpacker, body));
				}
				case COMPLETE: {
					expectSize(type, size, 2);
					return new Frame.Complete(readCallId(unpacker));
				}
				case REQUEST_N: {
					expectSize(type, size, 3);
					int callId = readCallId(unpacker);
					long n = unpacker.unpackLong();
					if (n < 1 || n > Integer.MAX_VALUE) {
						throw malformed("credit " + n + " out of range 1.." + Integer.MAX_VALUE, null);
					}
					return new Frame.RequestN(callId, (int) n);
				}
				case CANCEL: {
					expectSize(type, size, 2);
					int callId = readCallId(unpacker);
					RpcStatus reason = RpcStatus.CANCELLED;
					if (size > 2 && unpacker.getNextFormat().getValueType().isIntegerType()
							&& unpacker.unpackLong() == RpcStatus.DEADLINE_EXCEEDED.code()) {
						reason = RpcStatus.DEADLINE_EXCEEDED;
					}
					return new Frame.Cancel(callId, reason);
				}
				case PING:
				case PONG: {
					expectSize(type, size, 2);
					long data = unpacker.unpackLong();
					return (type == FrameType.PING) ? new Frame.Ping(data) : new Frame.Pong(data);
				}
				case GOAWAY: {
					expectSize(type, size, 3);
					int status = unpacker.unpackInt();
					return new Frame.GoAway(status, readNullableString(unpacker));
				}
				case AUTH_CHALLENGE: {
					expectSize(type, size, 2);
					return new Frame.AuthChallenge(readFixedBinary(unpacker, SharedSecret.NONCE_LENGTH, "nonce"));
				}
				case AUTH_RESPONSE: {
					expectSize(type, size, 3);
					byte[] nonce = readFixedBinary(unpacker, SharedSecret.NONCE_LENGTH, "nonce");
					return new Frame.AuthResponse(nonce, readFixedBinary(unpacker, SharedSecret.PROOF_LENGTH, "proof"));
				}
				case AUTH_OK: {
					expectSize(type, size, 2);
					return new Frame.AuthOk(readFixedBinary(unpacker, SharedSecret.PROOF_LENGTH, "proof"));
				}
				default:
					return new Frame.Unsupported(code, type);
			}
		}
		catch (ProtocolException ex) {
			throw ex;
		}
		catch (MessageInsufficientBufferException ex) {
			throw malformed(
					"the frame ends inside a value" + ((ex.getMessage() != null) ? " (" + ex.getMessage() + ")" : ""),
					ex);
		}
		catch (IOException | MessagePackException | IndexOutOfBoundsException ex) {
			throw malformed((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName(), ex);
		}
	}

	// REQUEST, NOTIFICATION, RESPONSE and NEXT: the type, a call id unless -1, a method
	// key and
	// metadata if the key is given, then the payload.
	private static ByteBuf encodeWithPayload(ByteBufAllocator alloc, FrameType type, int callId, String method,
			Metadata metadata, PayloadWriter payload) throws IOException {
		MessagePackBuffers buffers = MessagePackBuffers.get();
		ByteBuf buf = begin(buffers);
		try {
			MessagePacker packer = buffers.beginWrite(buf);
			try {
				packer.packArrayHeader(2 + ((callId >= 0) ? 1 : 0) + ((method != null) ? 2 : 0));
				packer.packInt(type.code());
				if (callId >= 0) {
					packer.packInt(callId);
				}
				if (method != null) {
					packer.packString(method);
					writeMetadata(packer, metadata);
				}
			}
			finally {
				buffers.endWrite();
			}
			writePayload(buffers, buf, payload);
			return finish(alloc, buf);
		}
		finally {
			buffers.releaseScratch();
		}
	}

	// Frames are encoded into the thread's scratch buffer and then copied once into a
	// buffer of the channel's allocator of exactly the right size: no buffer grows while
	// a frame is packed, and a socket channel's allocator hands out the direct memory
	// that
	// the socket write needs, so Netty does not copy the frame again.
	private static ByteBuf begin(MessagePackBuffers buffers) {
		return buffers.scratch();
	}

	private static ByteBuf finish(ByteBufAllocator alloc, ByteBuf scratch) {
		int length = scratch.readableBytes();
		ByteBuf frame = alloc.buffer(length);
		return frame.writeBytes(scratch, 0, length);
	}

	private static ByteBuf encodeSimple(ByteBufAllocator alloc, PayloadWriter frame) {
		MessagePackBuffers buffers = MessagePackBuffers.get();
		ByteBuf buf = begin(buffers);
		try {
			MessagePacker packer = buffers.beginWrite(buf);
			try {
				frame.writeTo(packer);
			}
			finally {
				buffers.endWrite();
			}
			return finish(alloc, buf);
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Cannot encode frame", ex);
		}
		finally {
			buffers.releaseScratch();
		}
	}

	// The payload is a bin32 value whose length is patched once the payload is written,
	// so it can be packed straight into the frame buffer without an intermediate copy.
	private static void writePayload(MessagePackBuffers buffers, ByteBuf buf, PayloadWriter payload)
			throws IOException {
		int header = buf.writerIndex();
		buf.writeByte(BIN32);
		buf.writeInt(0);
		MessagePacker packer = buffers.beginWrite(buf);
		boolean written = false;
		try {
			payload.writeTo(packer);
			written = true;
		}
		finally {
			if (written) {
				buffers.endWrite();
			}
			else {
				buffers.abortWrite();
			}
		}
		buf.setInt(header + 1, buf.writerIndex() - header - 5);
	}

	private static void writeMetadata(MessagePacker packer, Metadata metadata) throws IOException {
		if (metadata == null || metadata.isEmpty()) {
			packer.packNil();
			return;
		}
		int entries = ((metadata.timeoutMillis() > 0) ? 1 : 0) + ((metadata.idempotencyKey() != null) ? 1 : 0)
				+ ((metadata.sessionId() != null) ? 1 : 0) + (metadata.headers().isEmpty() ? 0 : 1);
		packer.packMapHeader(entries);
		if (metadata.timeoutMillis() > 0) {
			packer.packInt(Metadata.KEY_TIMEOUT);
			packer.packLong(metadata.timeoutMillis());
		}
		if (metadata.idempotencyKey() != null) {
			packer.packInt(Metadata.KEY_IDEMPOTENCY_KEY);
			packer.packString(metadata.idempotencyKey());
		}
		if (metadata.sessionId() != null) {
			packer.packInt(Metadata.KEY_SESSION_ID);
			packer.packString(metadata.sessionId());
		}
		if (!metadata.headers().isEmpty()) {
			packer.packInt(Metadata.KEY_HEADERS);
			packer.packMapHeader(metadata.headers().size());
			for (Map.Entry<String, String> header : metadata.headers().entrySet()) {
				packer.packString(header.getKey());
				packNullableString(packer, header.getValue());
			}
		}
	}

	private static Metadata readMetadata(MessageUnpacker unpacker) throws IOException {
		if (unpacker.tryUnpackNil()) {
			return Metadata.EMPTY;
		}
		int entries = unpacker.unpackMapHeader();
		long timeout = 0;
		String idempotencyKey = null;
		String sessionId = null;
		Map<String, String> headers = Collections.emptyMap();
		for (int i = 0; i < entries; i++) {
			if (!unpacker.getNextFormat().getValueType().isIntegerType()) {
				unpacker.skipValue(2);
				continue;
			}
			long key = unpacker.unpackLong();
			switch ((key >= 0 && key <= Integer.MAX_VALUE) ? (int) key : -1) {
				case Metadata.KEY_TIMEOUT -> timeout = unpacker.unpackLong();
				case Metadata.KEY_IDEMPOTENCY_KEY -> idempotencyKey = readNullableString(unpacker);
				case Metadata.KEY_SESSION_ID -> sessionId = readNullableString(unpacker);
				case Metadata.KEY_HEADERS -> headers = readHeaders(unpacker);
				default -> unpacker.skipValue();
			}
		}
		if (timeout < 0) {
			throw malformed("negative timeout " + timeout, null);
		}
		return new Metadata(Math.min(timeout, Metadata.MAX_TIMEOUT_MILLIS), idempotencyKey, sessionId, headers);
	}

	private static Map<String, String> readHeaders(MessageUnpacker unpacker) throws IOException {
		if (unpacker.tryUnpackNil()) {
			return Collections.emptyMap();
		}
		int size = unpacker.unpackMapHeader();
		Map<String, String> headers = new LinkedHashMap<>(Math.min(size, 64) * 2);
		for (int i = 0; i < size; i++) {
			String name = unpacker.unpackString();
			headers.put(name, readNullableString(unpacker));
		}
		return Collections.unmodifiableMap(headers);
	}

	private static ByteBuf readPayload(MessageUnpacker unpacker, ByteBuf body) throws IOException {
		int length;
		try {
			length = unpacker.unpackBinaryHeader();
		}
		catch (SizeHeaderException ex) {
			throw malformed("payload of " + ex.claimed() + " bytes exceeds the frame (" + ex.getMessage() + ")", ex);
		}
		catch (MessageSizeException ex) {
			throw malformed("payload of " + ex.getSize() + " bytes exceeds the frame (" + ex.getMessage() + ")", ex);
		}
		long offset = unpacker.getTotalReadBytes();
		if (length < 0 || offset + length > body.readableBytes()) {
			throw malformed("payload of " + Integer.toUnsignedString(length) + " bytes exceeds the frame", null);
		}
		return body.slice(body.readerIndex() + (int) offset, length);
	}

	private static byte[] readFixedBinary(MessageUnpacker unpacker, int length, String name) throws IOException {
		int actual = unpacker.unpackBinaryHeader();
		if (actual != length) {
			throw malformed(name + " of " + Integer.toUnsignedString(actual) + " bytes, expected " + length, null);
		}
		return unpacker.readPayload(length);
	}

	private static void packBinary(MessagePacker packer, byte[] bytes) throws IOException {
		packer.packBinaryHeader(bytes.length);
		packer.writePayload(bytes);
	}

	private static void checkLength(byte[] bytes, int length, String name) {
		if (bytes == null || bytes.length != length) {
			throw new IllegalArgumentException("The " + name + " must be " + length + " bytes long");
		}
	}

	private static int readCallId(MessageUnpacker unpacker) throws IOException {
		long callId = unpacker.unpackLong();
		if (callId < 0 || callId > Integer.MAX_VALUE) {
			throw malformed("call id " + callId + " out of range", null);
		}
		return (int) callId;
	}

	private static String readNullableString(MessageUnpacker unpacker) throws IOException {
		return unpacker.tryUnpackNil() ? null : unpacker.unpackString();
	}

	private static void packNullableString(MessagePacker packer, String value) throws IOException {
		if (value == null) {
			packer.packNil();
		}
		else {
			packer.packString(value);
		}
	}

	private static void expectSize(FrameType type, int actual, int expected) {
		if (actual < expected) {
			throw malformed(type + " frame has " + actual + " elements, expected " + expected, null);
		}
	}

	private static ProtocolException malformed(String detail, Throwable cause) {
		return new ProtocolException(RpcStatus.INVALID_ARGUMENT, "Malformed frame: " + detail, cause);
	}

}
