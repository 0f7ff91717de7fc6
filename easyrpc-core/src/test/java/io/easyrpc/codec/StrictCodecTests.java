package io.easyrpc.codec;

import java.io.IOException;
import java.util.List;

import io.easyrpc.codec.CodecFixtures.Item;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The codec's strict defaults: no float for an integer, no empty beans, no invalid UTF-8,
 * size headers checked, and errors that name the MessagePack type on the wire.
 */
class StrictCodecTests {

	private final ObjectCodec codec = ObjectCodec.createDefault();

	@Test
	void fractionalNumbersDoNotFillIntegerTypes() throws IOException {
		byte[] onePointFive = packed((packer) -> packer.packDouble(1.5));
		for (Class<?> type : List.of(int.class, long.class, Integer.class, Long.class, short.class)) {
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode(onePointFive, this.codec.valueType(type)))
				.withMessageStartingWith("Cannot decode MessagePack FLOAT as " + type.getName());
		}
		assertThat(this.codec.decode(onePointFive, this.codec.valueType(double.class))).isEqualTo(1.5);
	}

	@Test
	void fractionalNumbersAreAlsoRefusedWithAMapperFromTheApplication() throws IOException {
		ObjectCodec fromJson = new MessagePackObjectCodec(
				MessagePackMapper.builderFrom(JsonMapper.builder().build()).build());
		assertThatExceptionOfType(CodecException.class).isThrownBy(
				() -> fromJson.decode(packed((packer) -> packer.packDouble(1.5)), fromJson.valueType(long.class)));
	}

	@Test
	void objectsWithoutPropertiesFailToEncode() {
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(new Opaque(), this.codec.valueType(Object.class)))
			.withMessageContaining("no properties");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(new Opaque(), this.codec.valueType(Opaque.class)))
			.withMessageContaining("no properties");
	}

	@Test
	void invalidUtf8IsRefused() {
		byte[] bytes = { (byte) 0xa2, (byte) 0xc3, '(' };
		for (Class<?> type : List.of(String.class, Object.class)) {
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode(bytes, this.codec.valueType(type)))
				.withMessageContaining("fixstr value of 2 bytes is not valid UTF-8");
		}
	}

	@Test
	void sizeHeadersBeyondTwoGigabytesNameTheHeader() {
		byte[][] inputs = { { (byte) 0xdb, -1, -1, -1, -1, 'a' }, { (byte) 0xc6, -1, -1, -1, -1, 'a' },
				{ (byte) 0xdd, -1, -1, -1, -1, 'a' }, { (byte) 0xdf, -1, -1, -1, -1, 'a' },
				{ (byte) 0xc9, -1, -1, -1, -1, 1, 'a' } };
		String[] headers = { "str32 header claims 4294967295 bytes, 1 remain",
				"bin32 header claims 4294967295 bytes, 1 remain",
				"array32 header claims 4294967295 elements, 1 bytes remain",
				"map32 header claims 4294967295 entries, 1 bytes remain",
				"ext32 header claims 4294967295 bytes, 1 remain" };
		for (int i = 0; i < inputs.length; i++) {
			byte[] input = inputs[i];
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode(input, this.codec.valueType(Object.class)))
				.withMessageStartingWith("Malformed MessagePack input")
				.withMessageContaining(headers[i]);
		}
	}

	@Test
	void aFailureAtAMapKeyNamesTheMap() throws IOException {
		ObjectCodec failOnUnknown = new MessagePackObjectCodec(
				MessagePackMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
		byte[] bytes = packed((packer) -> {
			packer.packMapHeader(1);
			packer.packString("unknown");
			packer.packInt(1);
		});
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> failOnUnknown.decode(bytes, failOnUnknown.valueType(Item.class)))
			.withMessageStartingWith("Cannot decode MessagePack MAP as " + Item.class.getName());
	}

	@Test
	void aMapForAnIntegerIsNamedAsAMap() throws IOException {
		byte[] bytes = packed((packer) -> {
			packer.packMapHeader(1);
			packer.packString("k");
			packer.packInt(1);
		});
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(bytes, this.codec.valueType(int.class)))
			.withMessageStartingWith("Cannot decode MessagePack MAP as int");
	}

	private static byte[] packed(Packing packing) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packing.pack(packer);
		packer.close();
		return packer.toByteArray();
	}

	@FunctionalInterface
	private interface Packing {

		void pack(MessageBufferPacker packer) throws IOException;

	}

	/**
	 * A class with no property Jackson can see.
	 */
	static final class Opaque {

		@SuppressWarnings("unused")
		private final int secret = 42;

	}

}
