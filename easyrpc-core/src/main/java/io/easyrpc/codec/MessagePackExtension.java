package io.easyrpc.codec;

import java.util.Arrays;
import java.util.HexFormat;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * A MessagePack extension value (ext family) other than the timestamp extension. Decoding
 * an ext value into {@code Object} or into this type yields an instance; encoding an
 * instance writes the ext value back unchanged. Timestamp extensions (type -1) decode to
 * {@link java.time.Instant} instead.
 *
 * @param type the application-defined extension type, {@code 0..127} (negative types are
 * reserved by the MessagePack specification)
 * @param data the payload, not copied
 */
@JsonSerialize(using = MessagePackExtension.Serializer.class)
public record MessagePackExtension(byte type, byte[] data) {

	/**
	 * Create an extension value.
	 * @param type the extension type
	 * @param data the payload, not copied
	 */
	public MessagePackExtension {
		if (data == null) {
			throw new IllegalArgumentException("data must not be null");
		}
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof MessagePackExtension that && this.type == that.type
				&& Arrays.equals(this.data, that.data));
	}

	@Override
	public int hashCode() {
		return 31 * this.type + Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "MessagePackExtension[type=" + this.type + ", data=" + HexFormat.of().formatHex(this.data) + "]";
	}

	/**
	 * Writes an extension value as a MessagePack ext value; only MessagePack generators
	 * support this.
	 */
	static final class Serializer extends StdSerializer<MessagePackExtension> {

		Serializer() {
			super(MessagePackExtension.class);
		}

		@Override
		public void serialize(MessagePackExtension value, JsonGenerator generator, SerializationContext context) {
			generator.writeEmbeddedObject(value);
		}

	}

}
