package io.easyrpc.codec;

import java.io.IOException;
import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.databind.ObjectMapper;

/**
 * Maps Java values to and from the payload values of easyrpc frames: the entry point of
 * easyrpc's serialization. Each value is exactly one MessagePack value in the frame; how
 * the Java value is represented inside it depends on the {@link #format() format}:
 * <ul>
 * <li>{@link MessagePackObjectCodec}, the default ({@link #createDefault()}): the value
 * itself, as MessagePack;</li>
 * <li>{@link JsonObjectCodec}: a MessagePack str holding the value's JSON text.</li>
 * </ul>
 * Arguments and results of any type Jackson can map are supported by both (records,
 * POJOs, collections and maps with their generic types, enums, {@code Optional},
 * {@code java.time}, {@code byte[]}). Implementations are thread-safe and meant to be
 * shared.
 */
public sealed interface ObjectCodec permits MessagePackObjectCodec, JsonObjectCodec {

	/**
	 * Create the default codec: MessagePack with Jackson's default configuration.
	 * @return a new codec
	 */
	static ObjectCodec createDefault() {
		return MessagePackObjectCodec.createDefault();
	}

	/**
	 * Return how this codec encodes values.
	 * @return the format
	 */
	CodecFormat format();

	/**
	 * Return the Jackson mapper this codec uses.
	 * @return the mapper
	 */
	ObjectMapper mapper();

	/**
	 * Return the prepared form of a Java type, resolving it on first use.
	 * @param type a class or a generic type such as a method's parameter type
	 * @return the prepared type, cached for later calls
	 * @throws CodecException if Jackson cannot handle the type
	 */
	ValueType valueType(Type type);

	/**
	 * Write a value as exactly one MessagePack value.
	 * @param packer the packer to append to
	 * @param value the value, may be {@code null}
	 * @param type the declared type of the value
	 * @throws IOException if the packer's output fails
	 * @throws CodecException if the value cannot be encoded
	 */
	void write(MessagePacker packer, @Nullable Object value, ValueType type) throws IOException;

	/**
	 * Encode a value as one MessagePack value in a new array.
	 * @param value the value, may be {@code null}
	 * @param type the declared type of the value
	 * @return the encoded bytes
	 * @throws CodecException if the value cannot be encoded
	 */
	byte[] encode(@Nullable Object value, ValueType type);

	/**
	 * Read exactly one MessagePack value, leaving the unpacker right behind it.
	 * @param unpacker the unpacker, positioned at the value
	 * @param type the expected type
	 * @return the value, {@code null} for nil (or for {@code void})
	 * @throws IOException if the unpacker's input fails
	 * @throws CodecException if the input is truncated or malformed, or the value does
	 * not fit the expected type; the unpacker's position is then unspecified
	 */
	@Nullable Object read(MessageUnpacker unpacker, ValueType type) throws IOException;

	/**
	 * Decode a byte array that holds exactly one MessagePack value.
	 * @param bytes the encoded value
	 * @param type the expected type
	 * @return the value
	 * @throws CodecException if the input is truncated, malformed, followed by further
	 * bytes, or does not fit the expected type
	 */
	@Nullable Object decode(byte[] bytes, ValueType type);

}
