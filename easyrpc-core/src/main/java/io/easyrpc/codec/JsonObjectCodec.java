package io.easyrpc.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
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
import org.msgpack.core.buffer.MessageBuffer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link ObjectCodec} that writes each value as a MessagePack str holding the value's
 * JSON text (UTF-8), made by a Jackson 3 {@link JsonMapper}: a {@code String} argument
 * {@code hi} travels as the str {@code "hi"} with its quotes, a record as
 * <code>{"id":7,"name":"x"}</code>, {@code null} as {@code null}, a {@code byte[]} as a
 * base64 JSON string. Reading accepts a str or a bin holding exactly one JSON value (a
 * MessagePack nil reads as {@code null}).
 * <p>
 * Every value goes through Jackson, so the mapper's configuration (naming strategy,
 * modules, features) applies to strings and numbers too. A value declared as
 * {@code Object} is written by its runtime class and read as JSON's natural types: maps,
 * lists, strings, numbers, booleans ({@code byte[]} comes back as its base64 string).
 * <p>
 * The codec accepts {@link ValueType}s prepared by another codec: it prepares its own
 * form of the same Java type on first use and keeps it with the given type, so a server
 * serves JSON connections with the types its MessagePack codec resolved.
 * <p>
 * Instances are thread-safe and meant to be shared. The output buffer is kept per thread
 * and reused.
 */
public final class JsonObjectCodec implements ObjectCodec {

	private static final byte[] NULL_JSON = "null".getBytes(StandardCharsets.US_ASCII);

	private final JsonMapper mapper;

	private final ConcurrentMap<Type, ValueType> valueTypes = new ConcurrentHashMap<>();

	private final ThreadLocal<Output> output = ThreadLocal.withInitial(Output::new);

	/**
	 * Create a codec that maps values with the given mapper, as it is configured.
	 * @param mapper the mapper, for example one from {@link #mapperBuilder()} or
	 * {@link #mapperBuilderFrom(JsonMapper)}
	 */
	public JsonObjectCodec(JsonMapper mapper) {
		if (mapper == null) {
			throw new IllegalArgumentException("mapper must not be null");
		}
		this.mapper = mapper;
	}

	/**
	 * Create a codec with Jackson's default configuration and the settings of
	 * {@link #mapperBuilder()}.
	 * @return a new codec
	 */
	public static JsonObjectCodec createDefault() {
		return new JsonObjectCodec(mapperBuilder().build());
	}

	/**
	 * Return a mapper builder with Jackson's default configuration and the two settings
	 * {@link MessagePackMapper} also starts with:
	 * {@code SerializationFeature.FAIL_ON_EMPTY_BEANS} on and
	 * {@code DeserializationFeature.ACCEPT_FLOAT_AS_INT} off, so that both codecs accept
	 * and refuse the same values; like it, it also reads an unknown enum constant as the
	 * enum's {@code @JsonEnumDefaultValue} constant, where it declares one, and gives a
	 * primitive record component that the input does not mention its default value.
	 * @return a new builder
	 */
	public static JsonMapper.Builder mapperBuilder() {
		return strict(JsonMapper.builder());
	}

	/**
	 * Return a mapper builder that starts from the configuration of the application's
	 * JSON mapper, with the settings of {@link #mapperBuilder()} applied on top.
	 * @param template the mapper to copy the configuration from
	 * @return a new builder; changes to it do not affect {@code template}
	 */
	public static JsonMapper.Builder mapperBuilderFrom(JsonMapper template) {
		return strict(template.rebuild());
	}

	private static JsonMapper.Builder strict(JsonMapper.Builder builder) {
		return builder.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
			.addHandler(AbsentPrimitiveHandler.INSTANCE);
	}

	/**
	 * Return {@link CodecFormat#JSON}.
	 */
	@Override
	public CodecFormat format() {
		return CodecFormat.JSON;
	}

	/**
	 * Return the mapper this codec uses.
	 * @return the mapper
	 */
	@Override
	public JsonMapper mapper() {
		return this.mapper;
	}

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
			return prepare(this.mapper.constructType(type));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new CodecException("Cannot map Java type " + type.getTypeName() + ": " + ex.getMessage(), ex);
		}
	}

	private ValueType prepare(JavaType javaType) {
		Kind kind = Kind.of(javaType.getRawClass());
		if (kind == Kind.VOID) {
			return new ValueType(this, javaType, kind, null, null);
		}
		return new ValueType(this, javaType, kind,
				this.mapper.readerFor(javaType).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
				this.mapper.writerFor(javaType));
	}

	// The form of a type prepared by another codec: made once, then kept with it.
	private ValueType own(ValueType type) {
		if (type.owner() == this) {
			return type;
		}
		ValueType sibling = type.sibling();
		if (sibling == null || sibling.owner() != this) {
			try {
				sibling = prepare(type.javaType());
			}
			catch (JacksonException | IllegalArgumentException ex) {
				throw new CodecException("Cannot map Java type " + type + ": " + ex.getMessage(), ex);
			}
			type.sibling(sibling);
		}
		return sibling;
	}

	@Override
	public void write(MessagePacker packer, @Nullable Object value, ValueType type) throws IOException {
		Output output = acquire();
		try {
			toJson(output, value, own(type));
			packer.packRawStringHeader(output.size());
			packer.writePayload(output.array(), 0, output.size());
		}
		finally {
			release(output);
		}
	}

	@Override
	public byte[] encode(@Nullable Object value, ValueType type) {
		Output output = acquire();
		try {
			toJson(output, value, own(type));
			byte[] bytes = new byte[headerLength(output.size()) + output.size()];
			int offset = writeHeader(bytes, output.size());
			System.arraycopy(output.array(), 0, bytes, offset, output.size());
			return bytes;
		}
		finally {
			release(output);
		}
	}

	private static void toJson(Output output, @Nullable Object value, ValueType type) {
		if (value == null || type.kind() == Kind.VOID) {
			output.writeBytes(NULL_JSON);
			return;
		}
		try {
			type.writer().writeValue(output, value);
		}
		catch (JacksonException ex) {
			throw new CodecException("Cannot encode " + value.getClass().getName() + " as JSON " + type + ": "
					+ ex.getOriginalMessage() + pathOf(ex), ex);
		}
		catch (RuntimeException ex) {
			// Serializers may let exceptions other than JacksonException escape.
			throw new CodecException("Cannot encode " + value.getClass().getName() + " as JSON " + type + ": " + ex,
					ex);
		}
	}

	private static int headerLength(int size) {
		return (size < 32) ? 1 : (size < 256) ? 2 : (size < 65536) ? 3 : 5;
	}

	// The shortest str header, as msgpack-core's packRawStringHeader writes it.
	private static int writeHeader(byte[] bytes, int size) {
		if (size < 32) {
			bytes[0] = (byte) (0xa0 | size);
			return 1;
		}
		if (size < 256) {
			bytes[0] = (byte) 0xd9;
			bytes[1] = (byte) size;
			return 2;
		}
		if (size < 65536) {
			bytes[0] = (byte) 0xda;
			bytes[1] = (byte) (size >>> 8);
			bytes[2] = (byte) size;
			return 3;
		}
		bytes[0] = (byte) 0xdb;
		bytes[1] = (byte) (size >>> 24);
		bytes[2] = (byte) (size >>> 16);
		bytes[3] = (byte) (size >>> 8);
		bytes[4] = (byte) size;
		return 5;
	}

	@Override
	public @Nullable Object read(MessageUnpacker unpacker, ValueType type) throws IOException {
		ValueType own = own(type);
		if (own.kind() == Kind.VOID) {
			try {
				unpacker.skipValue();
			}
			catch (MessagePackException ex) {
				throw malformed(ex, own);
			}
			return null;
		}
		byte[] array;
		int offset;
		int length;
		try {
			MessageFormat format = unpacker.getNextFormat();
			switch (format.getValueType()) {
				case NIL -> {
					unpacker.unpackNil();
					array = NULL_JSON;
					offset = 0;
					length = NULL_JSON.length;
				}
				case STRING, BINARY -> {
					length = (format.getValueType() == org.msgpack.value.ValueType.STRING)
							? unpacker.unpackRawStringHeader() : unpacker.unpackBinaryHeader();
					MessageBuffer payload = unpacker.readPayloadAsReference(length);
					if (payload.hasArray()) {
						array = payload.array();
						offset = payload.arrayOffset();
					}
					else {
						array = payload.toByteArray();
						offset = 0;
					}
				}
				default -> throw new CodecException("Cannot decode MessagePack " + format.getValueType() + " as JSON "
						+ own + ": the JSON codec expects a str holding JSON text");
			}
		}
		catch (MessagePackException ex) {
			throw malformed(ex, own);
		}
		try {
			return own.reader().readValue(array, offset, length);
		}
		catch (JacksonException ex) {
			throw new CodecException("Cannot decode JSON text as " + own + ": " + ex.getOriginalMessage() + pathOf(ex),
					ex);
		}
		catch (RuntimeException ex) {
			// Deserializers may let exceptions other than JacksonException escape.
			throw new CodecException("Cannot decode JSON text as " + own + ": " + ex, ex);
		}
	}

	@Override
	public @Nullable Object decode(byte[] bytes, ValueType type) {
		BoundedUnpacker unpacker = new BoundedUnpacker().reset(bytes, 0, bytes.length);
		try {
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
	}

	private static CodecException malformed(MessagePackException ex, ValueType type) {
		if (ex instanceof MessageInsufficientBufferException) {
			return new CodecException("Truncated MessagePack input: the input ended before the value decoded as " + type
					+ " was complete", ex);
		}
		return new CodecException("Malformed MessagePack input while decoding " + type + ": "
				+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName()), ex);
	}

	private static String pathOf(JacksonException ex) {
		return ex.getPath().isEmpty() ? "" : " (at " + ex.getPathReference() + ")";
	}

	private Output acquire() {
		Output output = this.output.get();
		if (output.inUse) {
			// Re-entrant use on one thread, for example from a custom serializer.
			output = new Output();
		}
		output.inUse = true;
		return output;
	}

	private static void release(Output output) {
		output.release();
	}

	/**
	 * A per-thread output buffer whose array is read in place; one that grew past
	 * {@link #KEEP} is dropped after use so that a thread does not hold on to a large
	 * array.
	 */
	private static final class Output extends ByteArrayOutputStream {

		private static final int INITIAL = 512;

		private static final int KEEP = 64 * 1024;

		boolean inUse;

		Output() {
			super(INITIAL);
		}

		byte[] array() {
			return this.buf;
		}

		void release() {
			if (this.buf.length > KEEP) {
				this.buf = new byte[INITIAL];
			}
			this.count = 0;
			this.inUse = false;
		}

	}

}
