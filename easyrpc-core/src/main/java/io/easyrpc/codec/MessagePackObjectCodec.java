package io.easyrpc.codec;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.easyrpc.codec.ValueType.Kind;
import io.easyrpc.internal.msgpack.BoundedUnpacker;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.JavaType;

/**
 * The default {@link ObjectCodec}: maps Java values to and from single MessagePack
 * values. Arguments and results of any type Jackson can map are supported (records,
 * POJOs, collections and maps with their generic types, enums, {@code Optional},
 * {@code java.time}, {@code byte[]}).
 * <p>
 * Values whose type is {@code String}, {@code byte[]}, {@code boolean}, {@code byte},
 * {@code short}, {@code int}, {@code long}, {@code float}, {@code double} (or their
 * boxes), {@code void}/{@code Void} or {@code null} skip Jackson and are packed and
 * unpacked directly, so custom Jackson serializers for those types do not apply. When the
 * MessagePack value does not match such a type exactly (say, a string sent for an
 * {@code int}), decoding falls back to Jackson and its coercion rules. A value declared
 * as {@code Object} is written by its runtime class and read as natural types: maps,
 * lists, strings, numbers, booleans, {@code byte[]}.
 * <p>
 * With Jackson 3's defaults, {@code java.time} values are written as ISO-8601 strings
 * ({@code Instant} as {@code 2024-05-01T10:15:30Z}, {@code Duration} as {@code PT1.5S});
 * {@code Instant} also accepts the MessagePack timestamp extension on read.
 * {@code BigDecimal} is written as a string, {@code BigInteger} as an integer when it
 * fits 64 bits (unsigned included), as a string otherwise.
 * <p>
 * Instances are thread-safe and meant to be shared. Scratch buffers and the unpacker used
 * by {@link #decode} are kept per thread and reused; nothing is created per call beyond
 * what Jackson itself needs.
 */
public final class MessagePackObjectCodec implements ObjectCodec {

	private static final Object NOT_HANDLED = new Object();

	private final MessagePackMapper mapper;

	private final ConcurrentMap<Type, ValueType> valueTypes = new ConcurrentHashMap<>();

	private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

	/**
	 * Create a codec that maps values with the given mapper.
	 * @param mapper the mapper, for example one built with
	 * {@link MessagePackMapper#builderFrom(tools.jackson.databind.ObjectMapper)}
	 */
	public MessagePackObjectCodec(MessagePackMapper mapper) {
		if (mapper == null) {
			throw new IllegalArgumentException("mapper must not be null");
		}
		this.mapper = mapper;
	}

	/**
	 * Create a codec with Jackson's default configuration.
	 * @return a new codec
	 */
	public static MessagePackObjectCodec createDefault() {
		return new MessagePackObjectCodec(new MessagePackMapper());
	}

	/**
	 * Return {@link CodecFormat#MSGPACK}.
	 */
	@Override
	public CodecFormat format() {
		return CodecFormat.MSGPACK;
	}

	/**
	 * Return the mapper this codec uses.
	 * @return the mapper
	 */
	@Override
	public MessagePackMapper mapper() {
		return this.mapper;
	}

	/**
	 * Return the prepared form of a Java type, resolving it on first use.
	 * @param type a class or a generic type such as a method's parameter type
	 * @return the prepared type, cached for later calls
	 * @throws CodecException if Jackson cannot handle the type
	 */
	@Override
	public ValueType valueType(Type type) {
		if (type == null) {
			throw new IllegalArgumentException("type must not be null");
		}
		ValueType valueType = this.valueTypes.get(type);
		return (valueType != null) ? valueType : this.valueTypes.computeIfAbsent(type, this::resolve);
	}

	private ValueType resolve(Type type) {
		try {
			JavaType javaType = this.mapper.constructType(type);
			Kind kind = Kind.of(javaType.getRawClass());
			if (kind == Kind.VOID) {
				return new ValueType(this, javaType, kind, null, null);
			}
			return new ValueType(this, javaType, kind, this.mapper.readerFor(javaType),
					this.mapper.writerFor(javaType));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new CodecException("Cannot map Java type " + type.getTypeName() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Write a value as exactly one MessagePack value.
	 * @param packer the packer to append to
	 * @param value the value, may be {@code null}
	 * @param type the declared type of the value
	 * @throws IOException if the packer's output fails
	 * @throws CodecException if the value cannot be encoded
	 */
	@Override
	public void write(MessagePacker packer, @Nullable Object value, ValueType type) throws IOException {
		Kind kind = fastKind(value, type);
		if (kind != null) {
			writeDirect(packer, value, kind);
			return;
		}
		Scratch scratch = acquire();
		try {
			writeWithJackson(scratch.buffer, value, type);
			packer.writePayload(scratch.buffer.array(), 0, scratch.buffer.size());
		}
		finally {
			release(scratch);
		}
	}

	/**
	 * Encode a value as one MessagePack value in a new array.
	 * @param value the value, may be {@code null}
	 * @param type the declared type of the value
	 * @return the encoded bytes
	 * @throws CodecException if the value cannot be encoded
	 */
	@Override
	public byte[] encode(@Nullable Object value, ValueType type) {
		Scratch scratch = acquire();
		try {
			Kind kind = fastKind(value, type);
			if (kind != null) {
				writeDirect(scratch.buffer.packer(), value, kind);
				scratch.buffer.finish();
			}
			else {
				writeWithJackson(scratch.buffer, value, type);
			}
			return Arrays.copyOf(scratch.buffer.array(), scratch.buffer.size());
		}
		catch (IOException ex) {
			throw new CodecException("Cannot encode " + typeName(value) + " as " + type, ex);
		}
		finally {
			release(scratch);
		}
	}

	/**
	 * Return the fast-path kind to write {@code value} with, or {@code null} to use
	 * Jackson.
	 */
	private static @Nullable Kind fastKind(@Nullable Object value, ValueType type) {
		Kind kind = type.kind();
		if (value == null || kind == Kind.VOID) {
			return Kind.VOID;
		}
		if (kind == Kind.OBJECT) {
			return Kind.ofValue(value);
		}
		return (kind.valueClass() == value.getClass()) ? kind : null;
	}

	private static void writeDirect(MessagePacker packer, @Nullable Object value, Kind kind) throws IOException {
		switch (kind) {
			case VOID -> packer.packNil();
			case STRING -> packer.packString((String) value);
			case BINARY -> {
				byte[] bytes = (byte[]) value;
				packer.packBinaryHeader(bytes.length);
				packer.writePayload(bytes);
			}
			case BOOLEAN -> packer.packBoolean((Boolean) value);
			case BYTE -> packer.packByte((Byte) value);
			case SHORT -> packer.packShort((Short) value);
			case INT -> packer.packInt((Integer) value);
			case LONG -> packer.packLong((Long) value);
			case FLOAT -> packer.packFloat((Float) value);
			case DOUBLE -> packer.packDouble((Double) value);
			default -> throw new IllegalStateException("No direct encoding for " + kind);
		}
	}

	private static void writeWithJackson(MessagePackBuffer buffer, @Nullable Object value, ValueType type) {
		try {
			type.writer().writeValue(buffer, value);
		}
		catch (JacksonException ex) {
			throw new CodecException(
					"Cannot encode " + typeName(value) + " as " + type + ": " + ex.getOriginalMessage() + pathOf(ex),
					ex);
		}
		catch (RuntimeException ex) {
			// Serializers may let exceptions other than JacksonException escape.
			throw new CodecException("Cannot encode " + typeName(value) + " as " + type + ": " + ex, ex);
		}
	}

	/**
	 * Read exactly one MessagePack value, leaving the unpacker right behind it.
	 * @param unpacker the unpacker, positioned at the value
	 * @param type the expected type
	 * @return the value, {@code null} for nil (or for {@code void})
	 * @throws IOException if the unpacker's input fails
	 * @throws CodecException if the input is truncated or malformed, or the value does
	 * not fit the expected type; the unpacker's position is then unspecified
	 */
	@Override
	public @Nullable Object read(MessageUnpacker unpacker, ValueType type) throws IOException {
		try {
			Kind kind = type.kind();
			if (kind == Kind.VOID) {
				unpacker.skipValue();
				return null;
			}
			if (kind != Kind.JACKSON && kind != Kind.OBJECT) {
				Object value = readDirect(unpacker, type);
				if (value != NOT_HANDLED) {
					return value;
				}
			}
			if (!unpacker.hasNext()) {
				throw new CodecException("Truncated MessagePack input: no value left to decode as " + type);
			}
		}
		catch (MessagePackException ex) {
			throw decodeFailure(ex, type);
		}
		try {
			return type.reader().readValue(new UnpackerSource(unpacker));
		}
		catch (JacksonIOException ex) {
			throw ex.getCause();
		}
		catch (RuntimeException ex) {
			// Deserializers may let exceptions other than JacksonException escape.
			throw decodeFailure(ex, type);
		}
	}

	/**
	 * Decode a byte array that holds exactly one MessagePack value.
	 * @param bytes the encoded value
	 * @param type the expected type
	 * @return the value
	 * @throws CodecException if the input is truncated, malformed, followed by further
	 * bytes, or does not fit the expected type
	 */
	@Override
	public @Nullable Object decode(byte[] bytes, ValueType type) {
		Scratch scratch = acquire();
		try {
			MessageUnpacker unpacker = scratch.unpacker(bytes);
			Object value = read(unpacker, type);
			if (unpacker.hasNext()) {
				throw new CodecException("Malformed MessagePack input: " + (bytes.length - unpacker.getTotalReadBytes())
						+ " bytes follow the value decoded as " + type);
			}
			return value;
		}
		catch (IOException ex) {
			throw new CodecException("Cannot decode MessagePack input as " + type, ex);
		}
		finally {
			scratch.releaseUnpacker();
			release(scratch);
		}
	}

	/**
	 * Read a value of a fast-path type directly, or return {@link #NOT_HANDLED} without
	 * consuming anything when the MessagePack type needs Jackson's coercion rules.
	 */
	private static @Nullable Object readDirect(MessageUnpacker unpacker, ValueType type) throws IOException {
		MessageFormat format = unpacker.getNextFormat();
		if (format == MessageFormat.NEVER_USED) {
			throw MessagePackParser.neverUsedFormat();
		}
		org.msgpack.value.ValueType found = format.getValueType();
		if (found == org.msgpack.value.ValueType.NIL) {
			if (type.isPrimitive()) {
				return NOT_HANDLED;
			}
			unpacker.unpackNil();
			return null;
		}
		switch (type.kind()) {
			case STRING -> {
				if (found == org.msgpack.value.ValueType.STRING) {
					return unpacker.unpackString();
				}
			}
			case BINARY -> {
				if (found == org.msgpack.value.ValueType.BINARY) {
					return MessagePackParser.readPayload(unpacker, unpacker.unpackBinaryHeader());
				}
			}
			case BOOLEAN -> {
				if (found == org.msgpack.value.ValueType.BOOLEAN) {
					return unpacker.unpackBoolean();
				}
			}
			case FLOAT -> {
				if (found == org.msgpack.value.ValueType.FLOAT) {
					return unpacker.unpackFloat();
				}
			}
			case DOUBLE -> {
				if (found == org.msgpack.value.ValueType.FLOAT) {
					return unpacker.unpackDouble();
				}
			}
			default -> {
				if (found == org.msgpack.value.ValueType.INTEGER) {
					return readIntegral(unpacker, format, type);
				}
			}
		}
		return NOT_HANDLED;
	}

	private static Object readIntegral(MessageUnpacker unpacker, MessageFormat format, ValueType type)
			throws IOException {
		long value;
		if (format == MessageFormat.UINT64) {
			BigInteger big = unpacker.unpackBigInteger();
			if (big.bitLength() > 63) {
				throw outOfRange(big, type, Long.MIN_VALUE, Long.MAX_VALUE);
			}
			value = big.longValue();
		}
		else {
			value = unpacker.unpackLong();
		}
		return switch (type.kind()) {
			case BYTE -> (byte) checkRange(value, type, Byte.MIN_VALUE, Byte.MAX_VALUE);
			case SHORT -> (short) checkRange(value, type, Short.MIN_VALUE, Short.MAX_VALUE);
			case INT -> (int) checkRange(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
			default -> value;
		};
	}

	private static long checkRange(long value, ValueType type, long min, long max) {
		if (value < min || value > max) {
			throw outOfRange(value, type, min, max);
		}
		return value;
	}

	private static CodecException outOfRange(Object value, ValueType type, long min, long max) {
		return new CodecException("Cannot decode MessagePack INTEGER " + value + " as " + type
				+ ": value out of range [" + min + ", " + max + "]");
	}

	private static CodecException decodeFailure(RuntimeException failure, ValueType type) {
		MessagePackException cause = findCause(failure, MessagePackException.class);
		if (cause instanceof MessageInsufficientBufferException) {
			return new CodecException("Truncated MessagePack input: the input ended before the value decoded as " + type
					+ " was complete" + ((cause.getMessage() != null) ? " (" + cause.getMessage() + ")" : ""), failure);
		}
		if (cause != null) {
			return new CodecException("Malformed MessagePack input while decoding " + type + ": " + describe(cause),
					failure);
		}
		if (failure instanceof JacksonException jackson) {
			// Name the type of the value that failed. At a map key, Jackson has read
			// the key (a MessagePack STRING) of the MAP it failed on.
			String found = "value";
			if (jackson.processor() instanceof MessagePackParser parser && parser.currentMessagePackType() != null) {
				found = (parser.currentToken() == JsonToken.PROPERTY_NAME) ? "MAP"
						: parser.currentMessagePackType().name();
			}
			return new CodecException("Cannot decode MessagePack " + found + " as " + type + ": "
					+ jackson.getOriginalMessage() + pathOf(jackson), failure);
		}
		return new CodecException("Cannot decode MessagePack input as " + type + ": " + describe(failure), failure);
	}

	// A JIT-compiled implicit exception (a failed cast, say) may come without a message.
	private static String describe(Throwable failure) {
		return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getName();
	}

	private static String typeName(@Nullable Object value) {
		return (value != null) ? value.getClass().getName() : "null";
	}

	private static String pathOf(JacksonException ex) {
		return ex.getPath().isEmpty() ? "" : " (at " + ex.getPathReference() + ")";
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		return null;
	}

	private Scratch acquire() {
		Scratch scratch = this.scratch.get();
		if (scratch.inUse) {
			// Re-entrant use on one thread, for example from a custom serializer.
			scratch = new Scratch();
		}
		scratch.inUse = true;
		return scratch;
	}

	private static void release(Scratch scratch) {
		scratch.buffer.reset();
		scratch.inUse = false;
	}

	/**
	 * Per-thread reusable state.
	 */
	private static final class Scratch {

		final MessagePackBuffer buffer = new MessagePackBuffer();

		private final BoundedUnpacker unpacker = new BoundedUnpacker();

		boolean inUse;

		MessageUnpacker unpacker(byte[] bytes) {
			return this.unpacker.reset(bytes, 0, bytes.length);
		}

		/**
		 * Let go of the caller's array so that a thread does not keep it reachable.
		 */
		void releaseUnpacker() {
			this.unpacker.clear();
		}

	}

}
