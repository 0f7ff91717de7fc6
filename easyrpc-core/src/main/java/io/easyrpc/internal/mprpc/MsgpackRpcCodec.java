package io.easyrpc.internal.mprpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.msgpack.BoundedUnpacker;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Encodes and decodes the three MessagePack-RPC messages: request
 * {@code [0, msgid, method, params]}, response {@code [1, msgid, error, result]} and
 * notification {@code [2, method, params]}. A message is one MessagePack array with no
 * length prefix; {@link MsgpackStreamDecoder} cuts a byte stream into messages.
 * <p>
 * Decoding reads through the size-checked unpacker of {@link BoundedUnpacker}, so no
 * header can claim more than the message holds, and the raw values (params, error,
 * result) are handed out as slices of the message, undecoded. Encoding writes the
 * envelope and lets a {@link PayloadWriter} write each value.
 * <p>
 * The error value easyrpc sends is a map with the keys {@link #ERROR_STATUS},
 * {@link #ERROR_CODE}, {@link #ERROR_MESSAGE} and, when there are details,
 * {@link #ERROR_DATA} (see {@link #packError}).
 */
public final class MsgpackRpcCodec {

	/** Key of the error map: the name of the {@link RpcStatus}, a string. */
	public static final String ERROR_STATUS = "status";

	/** Key of the error map: the numeric code of the {@link RpcStatus}, an integer. */
	public static final String ERROR_CODE = "code";

	/** Key of the error map: a human-readable message, a string. */
	public static final String ERROR_MESSAGE = "message";

	/**
	 * Key of the error map, present only with details: a map, such as
	 * {@code {"exception": "com.example.NotFoundException"}}.
	 */
	public static final String ERROR_DATA = "data";

	/** Key in the details of an error: the class name of the exception behind it. */
	public static final String DATA_EXCEPTION = "exception";

	private static final int NIL = 0xc0;

	private static final int INITIAL_CAPACITY = 128;

	private MsgpackRpcCodec() {
	}

	/**
	 * Tell whether a byte stream starts like a MessagePack-RPC request or notification:
	 * an array of 3 or 4 elements (fixarray {@code 0x93}/{@code 0x94}, or array16
	 * {@code 0xdc} with a size of 3 or 4) whose first element is the type 0 or 2
	 * (positive fixint {@code 0x00} or {@code 0x02}). The buffer is not changed.
	 * @param in the first bytes of the stream
	 * @return {@code 1} if it does, {@code 0} if it does not, {@code -1} if more bytes
	 * are needed to tell
	 */
	public static int detect(ByteBuf in) {
		int readable = in.readableBytes();
		if (readable < 1) {
			return -1;
		}
		int at = in.readerIndex();
		int first = in.getUnsignedByte(at);
		int typeAt;
		if (first == 0x93 || first == 0x94) {
			typeAt = at + 1;
		}
		else if (first == 0xdc) {
			if (readable < 3) {
				return -1;
			}
			int size = in.getUnsignedShort(at + 1);
			if (size != 3 && size != 4) {
				return 0;
			}
			typeAt = at + 3;
		}
		else {
			return 0;
		}
		if (typeAt >= at + readable) {
			return -1;
		}
		int type = in.getUnsignedByte(typeAt);
		return (type == MsgpackRpcMessage.REQUEST || type == MsgpackRpcMessage.NOTIFICATION) ? 1 : 0;
	}

	/**
	 * Decode one whole message. Raw values in the result are slices of {@code message}.
	 * @param message exactly one MessagePack value, in heap or direct memory
	 * @return the message
	 * @throws MsgpackRpcException if the value is not a well-formed MessagePack-RPC
	 * message; its {@link MsgpackRpcException#msgid() msgid} is set when it could be read
	 */
	public static MsgpackRpcMessage decode(ByteBuf message) {
		MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(message);
		long msgid = -1;
		try {
			if (unpacker.getNextFormat().getValueType() != ValueType.ARRAY) {
				throw malformed("not an array but " + describe(unpacker.getNextFormat()), -1, null);
			}
			int size = unpacker.unpackArrayHeader();
			if (size < 1 || !unpacker.hasNext() || !unpacker.getNextFormat().getValueType().isIntegerType()) {
				throw malformed("the first element of a message must be its type, an integer", -1, null);
			}
			long type = unpacker.unpackLong();
			if (type != MsgpackRpcMessage.NOTIFICATION && size >= 2) {
				msgid = tryMsgid(unpacker);
				if (msgid < 0 && type == MsgpackRpcMessage.REQUEST) {
					throw malformed("the msgid of a request must be an unsigned 32-bit integer", -1, null);
				}
			}
			MsgpackRpcMessage decoded;
			if (type == MsgpackRpcMessage.REQUEST) {
				expectSize("request", size, 4, msgid);
				String method = readMethod(unpacker, msgid);
				decoded = new MsgpackRpcMessage.Request(msgid, method, readParams(unpacker, message, msgid));
			}
			else if (type == MsgpackRpcMessage.RESPONSE) {
				expectSize("response", size, 4, -1);
				if (msgid < 0) {
					throw malformed("the msgid of a response must be an unsigned 32-bit integer", -1, null);
				}
				ByteBuf error = readRaw(unpacker, message);
				decoded = new MsgpackRpcMessage.Response(msgid, error, readRaw(unpacker, message));
			}
			else if (type == MsgpackRpcMessage.NOTIFICATION) {
				expectSize("notification", size, 3, -1);
				String method = readMethod(unpacker, -1);
				decoded = new MsgpackRpcMessage.Notification(method, readParams(unpacker, message, -1));
			}
			else {
				throw malformed("unknown message type " + type, (size == 4) ? msgid : -1, null);
			}
			if (unpacker.getTotalReadBytes() != message.readableBytes()) {
				throw malformed((message.readableBytes() - unpacker.getTotalReadBytes()) + " bytes follow the message",
						msgid, null);
			}
			return decoded;
		}
		catch (MsgpackRpcException ex) {
			throw ex;
		}
		catch (MessageInsufficientBufferException ex) {
			throw malformed(
					"the message ends inside a value" + ((ex.getMessage() != null) ? " (" + ex.getMessage() + ")" : ""),
					msgid, ex);
		}
		catch (IOException | MessagePackException | IndexOutOfBoundsException ex) {
			throw malformed((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName(), msgid, ex);
		}
	}

	// The msgid, or -1 if the next value is not an unsigned 32-bit integer (it is
	// consumed either way).
	private static long tryMsgid(MessageUnpacker unpacker) throws IOException {
		if (!unpacker.getNextFormat().getValueType().isIntegerType()) {
			unpacker.skipValue();
			return -1;
		}
		MessageFormat format = unpacker.getNextFormat();
		if (format == MessageFormat.UINT64) {
			// Beyond a long when the top bit is set: out of range either way.
			unpacker.skipValue();
			return -1;
		}
		long value = unpacker.unpackLong();
		return (value >= 0 && value <= MsgpackRpcMessage.MAX_MSGID) ? value : -1;
	}

	private static void expectSize(String name, int size, int expected, long msgid) {
		if (size != expected) {
			throw malformed("a " + name + " has " + expected + " elements, not " + size, msgid, null);
		}
	}

	private static String readMethod(MessageUnpacker unpacker, long msgid) throws IOException {
		MessageFormat format = unpacker.getNextFormat();
		if (format.getValueType() == ValueType.STRING) {
			return unpacker.unpackString();
		}
		if (format.getValueType() == ValueType.BINARY) {
			// Some peers send names as raw bytes (the spec's older "raw" type).
			int length = unpacker.unpackBinaryHeader();
			byte[] bytes = unpacker.readPayload(length);
			if (BoundedUnpacker.firstInvalidUtf8(bytes, 0, bytes.length) >= 0) {
				throw malformed("the method name is not valid UTF-8", msgid, null);
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}
		throw malformed("the method must be a string, not " + describe(format), msgid, null);
	}

	private static ByteBuf readParams(MessageUnpacker unpacker, ByteBuf message, long msgid) throws IOException {
		ValueType type = unpacker.getNextFormat().getValueType();
		if (type != ValueType.ARRAY && type != ValueType.MAP) {
			throw malformed("params must be an array (or a map of named params), not " + type.name().toLowerCase(),
					msgid, null);
		}
		return readRaw(unpacker, message);
	}

	private static ByteBuf readRaw(MessageUnpacker unpacker, ByteBuf message) throws IOException {
		int start = (int) unpacker.getTotalReadBytes();
		unpacker.skipValue();
		int end = (int) unpacker.getTotalReadBytes();
		return message.slice(message.readerIndex() + start, end - start);
	}

	private static String describe(MessageFormat format) {
		return format.getValueType().name().toLowerCase();
	}

	private static MsgpackRpcException malformed(String message, long msgid, @Nullable Throwable cause) {
		return new MsgpackRpcException(RpcStatus.INVALID_ARGUMENT, "Malformed MessagePack-RPC message: " + message,
				msgid, cause);
	}

	/**
	 * Return whether a raw value is nil.
	 * @param value one MessagePack value
	 * @return {@code true} if it is nil
	 */
	public static boolean isNil(ByteBuf value) {
		return value.readableBytes() == 1 && value.getUnsignedByte(value.readerIndex()) == NIL;
	}

	/**
	 * Encode a request.
	 * @param alloc the allocator
	 * @param msgid the message id, 0 to {@link MsgpackRpcMessage#MAX_MSGID}
	 * @param method the method name
	 * @param params writes the params, one array (or a map of named params)
	 * @return the encoded message, a heap buffer
	 * @throws IOException if the params cannot be written
	 */
	public static ByteBuf encodeRequest(ByteBufAllocator alloc, long msgid, String method, PayloadWriter params)
			throws IOException {
		checkMsgid(msgid);
		return encode(alloc, (packer) -> {
			packer.packArrayHeader(4);
			packer.packInt(MsgpackRpcMessage.REQUEST);
			packer.packLong(msgid);
			packer.packString(method);
			params.writeTo(packer);
		});
	}

	/**
	 * Encode a notification.
	 * @param alloc the allocator
	 * @param method the method name
	 * @param params writes the params, one array (or a map of named params)
	 * @return the encoded message, a heap buffer
	 * @throws IOException if the params cannot be written
	 */
	public static ByteBuf encodeNotification(ByteBufAllocator alloc, String method, PayloadWriter params)
			throws IOException {
		return encode(alloc, (packer) -> {
			packer.packArrayHeader(3);
			packer.packInt(MsgpackRpcMessage.NOTIFICATION);
			packer.packString(method);
			params.writeTo(packer);
		});
	}

	/**
	 * Encode a successful response: the error is nil.
	 * @param alloc the allocator
	 * @param msgid the message id of the request
	 * @param result writes the result, one value
	 * @return the encoded message, a heap buffer
	 * @throws IOException if the result cannot be written
	 */
	public static ByteBuf encodeResult(ByteBufAllocator alloc, long msgid, PayloadWriter result) throws IOException {
		checkMsgid(msgid);
		return encode(alloc, (packer) -> {
			packer.packArrayHeader(4);
			packer.packInt(MsgpackRpcMessage.RESPONSE);
			packer.packLong(msgid);
			packer.packNil();
			result.writeTo(packer);
		});
	}

	/**
	 * Encode a failed response: the result is nil.
	 * @param alloc the allocator
	 * @param msgid the message id of the request
	 * @param error writes the error, one value other than nil
	 * @return the encoded message, a heap buffer
	 * @throws IOException if the error cannot be written
	 */
	public static ByteBuf encodeError(ByteBufAllocator alloc, long msgid, PayloadWriter error) throws IOException {
		checkMsgid(msgid);
		return encode(alloc, (packer) -> {
			packer.packArrayHeader(4);
			packer.packInt(MsgpackRpcMessage.RESPONSE);
			packer.packLong(msgid);
			error.writeTo(packer);
			packer.packNil();
		});
	}

	/**
	 * Encode a failed response with easyrpc's error map.
	 * @param alloc the allocator
	 * @param msgid the message id of the request
	 * @param status the status
	 * @param message the message
	 * @param exception the class name of the exception behind the error, or {@code null}
	 * @return the encoded message, a heap buffer
	 * @see #packError
	 */
	public static ByteBuf encodeError(ByteBufAllocator alloc, long msgid, RpcStatus status, String message,
			@Nullable String exception) {
		try {
			return encodeError(alloc, msgid, (packer) -> packError(packer, status, message, exception));
		}
		catch (IOException ex) {
			// Strings and integers into a heap buffer cannot fail.
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Write easyrpc's error value: a map {@code {"status": "NOT_FOUND", "code": 5,
	 * "message": "...", "data": {"exception": "..."}}} where {@code data} is present only
	 * when there is an exception class name.
	 * @param packer the packer
	 * @param status the status
	 * @param message the message
	 * @param exception the class name of the exception behind the error, or {@code null}
	 * @throws IOException if the packer fails
	 */
	public static void packError(MessagePacker packer, RpcStatus status, String message, @Nullable String exception)
			throws IOException {
		packer.packMapHeader((exception != null) ? 4 : 3);
		packer.packString(ERROR_STATUS);
		packer.packString(status.name());
		packer.packString(ERROR_CODE);
		packer.packInt(status.code());
		packer.packString(ERROR_MESSAGE);
		packer.packString(message);
		if (exception != null) {
			packer.packString(ERROR_DATA);
			packer.packMapHeader(1);
			packer.packString(DATA_EXCEPTION);
			packer.packString(exception);
		}
	}

	private static void checkMsgid(long msgid) {
		if (msgid < 0 || msgid > MsgpackRpcMessage.MAX_MSGID) {
			throw new IllegalArgumentException("A msgid is an unsigned 32-bit integer, not " + msgid);
		}
	}

	private static ByteBuf encode(ByteBufAllocator alloc, PayloadWriter message) throws IOException {
		MessagePackBuffers buffers = MessagePackBuffers.get();
		ByteBuf buf = alloc.heapBuffer(INITIAL_CAPACITY);
		boolean written = false;
		try {
			MessagePacker packer = buffers.beginWrite(buf);
			try {
				message.writeTo(packer);
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
			return buf;
		}
		finally {
			if (!written) {
				buf.release();
			}
		}
	}

}
