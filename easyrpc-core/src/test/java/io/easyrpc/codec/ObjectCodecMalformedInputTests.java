package io.easyrpc.codec;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.easyrpc.codec.CodecFixtures.Blob;
import io.easyrpc.codec.CodecFixtures.Catalog;
import io.easyrpc.codec.CodecFixtures.Color;
import io.easyrpc.codec.CodecFixtures.Item;
import io.easyrpc.codec.CodecFixtures.Small;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import tools.jackson.core.type.TypeReference;

import static io.easyrpc.codec.CodecFixtures.typeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Broken, hostile and mismatched input must end in a {@link CodecException} with a clear
 * message: never another exception, a hang or a huge allocation.
 */
// Guards against a hang only; the tests normally finish in well under a second.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ObjectCodecMalformedInputTests {

	private static final byte[] FORGED_STRING = { (byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a', 'b' };

	private final ObjectCodec codec = ObjectCodec.createDefault();

	private final List<Type> types = List.of(Catalog.class, Item.class, Object.class, String.class, byte[].class,
			int.class, Long.class, double.class, Instant.class, typeOf(new TypeReference<List<Item>>() {
			}), typeOf(new TypeReference<Map<String, List<Integer>>>() {
			}));

	@Test
	void randomBytesFailWithCodecExceptionOrDecodeSomething() {
		Random random = new Random(42);
		for (int i = 0; i < 20_000; i++) {
			byte[] bytes = new byte[random.nextInt(48)];
			random.nextBytes(bytes);
			for (Type type : this.types) {
				try {
					this.codec.decode(bytes, this.codec.valueType(type));
				}
				catch (CodecException ex) {
					assertThat(ex.getMessage()).isNotBlank();
				}
				catch (RuntimeException | Error ex) {
					fail("Decoding %s as %s threw %s", Arrays.toString(bytes), type, ex);
				}
			}
		}
	}

	@Test
	void truncationAtEveryByteIsReportedAsTruncatedInput() {
		Item item = new Item("caf\u00e9", 3, Color.BLUE, List.of("a", "b".repeat(40)));
		Catalog catalog = new Catalog("title", List.of(item, item), Map.of("k", item));
		Object[][] cases = { { catalog, Catalog.class }, { catalog, Object.class }, { "x".repeat(300), String.class },
				{ new byte[70_000], byte[].class }, { Long.MIN_VALUE, long.class }, { 2.5, double.class },
				{ List.of(1, 2, 3), typeOf(new TypeReference<List<Integer>>() {
				}) } };
		for (Object[] testCase : cases) {
			ValueType type = this.codec.valueType((Type) testCase[1]);
			byte[] bytes = this.codec.encode(testCase[0], type);
			for (int length = 0; length < bytes.length; length++) {
				byte[] truncated = Arrays.copyOf(bytes, length);
				assertThatExceptionOfType(CodecException.class).as("%s truncated to %d bytes", type, length)
					.isThrownBy(() -> this.codec.decode(truncated, type))
					.withMessageStartingWith("Truncated MessagePack input")
					.withMessageContaining(type.toString());
			}
		}
	}

	@Test
	void forgedStringLengthFailsAsTruncatedInput() throws IOException {
		for (Type type : List.of(String.class, Object.class, Instant.class)) {
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode(FORGED_STRING, this.codec.valueType(type)))
				.withMessageStartingWith("Truncated MessagePack input");
		}
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packMapHeader(1);
		packer.packString("name");
		packer.writePayload(FORGED_STRING);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(packer.toByteArray(), this.codec.valueType(Item.class)))
			.withMessageStartingWith("Truncated MessagePack input");
	}

	@Test
	void forgedBinaryAndContainerSizesFailAsTruncatedInput() {
		Type integers = typeOf(new TypeReference<List<Integer>>() {
		});
		Map<byte[], List<Type>> cases = Map.of(
				new byte[] { (byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2, 3 },
				List.of(Object.class, byte[].class, Blob.class),
				new byte[] { (byte) 0xc9, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 5, 1, 2 },
				List.of(Object.class, MessagePackExtension.class),
				new byte[] { (byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2 },
				List.of(Object.class, integers, int[].class),
				new byte[] { (byte) 0xdf, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xa1, 'a', 1 },
				List.of(Object.class, Item.class, typeOf(new TypeReference<Map<String, Integer>>() {
				})));
		cases.forEach((bytes, types) -> {
			for (Type type : types) {
				assertThatExceptionOfType(CodecException.class).as("%s as %s", Arrays.toString(bytes), type)
					.isThrownBy(() -> this.codec.decode(bytes, this.codec.valueType(type)))
					.withMessageStartingWith("Truncated MessagePack input");
			}
		});
	}

	@Test
	void containerSizeBeyondJavaLimitsIsReportedAsMalformed() {
		byte[] bytes = { (byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1 };
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(bytes, this.codec.valueType(Object.class)))
			.withMessageStartingWith("Malformed MessagePack input");
	}

	@Test
	void neverUsedTypeByteIsReportedAsMalformed() {
		for (Type type : List.of(Object.class, String.class, Item.class)) {
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode(new byte[] { (byte) 0xc1 }, this.codec.valueType(type)))
				.withMessageStartingWith("Malformed MessagePack input");
		}
	}

	@Test
	void trailingBytesAreReported() {
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { 1, 2 }, this.codec.valueType(int.class)))
			.withMessage("Malformed MessagePack input: 1 bytes follow the value decoded as int");
	}

	@Test
	void integerMapKeysAreReadAsPropertyNames() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packMapHeader(2);
		packer.packInt(1);
		packer.packString("one");
		packer.packInt(-2);
		packer.packString("minus two");
		byte[] bytes = packer.toByteArray();
		assertThat(this.codec.decode(bytes, this.codec.valueType(typeOf(new TypeReference<Map<Integer, String>>() {
		})))).isEqualTo(Map.of(1, "one", -2, "minus two"));
		assertThat(this.codec.decode(bytes, this.codec.valueType(Object.class)))
			.isEqualTo(Map.of("1", "one", "-2", "minus two"));
	}

	@Test
	void otherMapKeyTypesAreRejected() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packMapHeader(1);
		packer.packArrayHeader(0);
		packer.packInt(1);
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(packer.toByteArray(), this.codec.valueType(Object.class)))
			.withMessage("Malformed MessagePack input while decoding java.lang.Object: "
					+ "unsupported map key of type ARRAY, keys must be strings or integers");
	}

	@Test
	void mismatchedTypeNamesExpectedJavaTypeAndFoundMessagePackType() throws IOException {
		byte[] string = this.codec.encode("not a date", this.codec.valueType(String.class));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(string, this.codec.valueType(Instant.class)))
			.withMessageStartingWith("Cannot decode MessagePack STRING as java.time.Instant: ");
		byte[] array = this.codec.encode(List.of(1), this.codec.valueType(Object.class));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(array, this.codec.valueType(int.class)))
			.withMessageStartingWith("Cannot decode MessagePack ARRAY as int: ");
		byte[] item = this.codec.encode(Map.of("quantity", "many"), this.codec.valueType(Object.class));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(item, this.codec.valueType(Item.class)))
			.withMessageStartingWith("Cannot decode MessagePack STRING as io.easyrpc.codec.CodecFixtures$Item: ")
			.withMessageContaining("quantity");
	}

	@Test
	void integersOutOfRangeAreRejected() {
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decodeAs(300, byte.class))
			.withMessage("Cannot decode MessagePack INTEGER 300 as byte: value out of range [-128, 127]");
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decodeAs(-129, Byte.class))
			.withMessageContaining("as java.lang.Byte: value out of range");
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decodeAs(40_000, short.class))
			.withMessageContaining("out of range");
		assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decodeAs(1L << 31, int.class))
			.withMessageContaining("out of range");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> decodeAs(BigInteger.TWO.pow(64).subtract(BigInteger.ONE), long.class))
			.withMessage("Cannot decode MessagePack INTEGER 18446744073709551615 as long: "
					+ "value out of range [-9223372036854775808, 9223372036854775807]");
		byte[] small = this.codec.encode(Map.of("tiny", 300, "little", 1), this.codec.valueType(Object.class));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(small, this.codec.valueType(Small.class)))
			.withMessageStartingWith("Cannot decode MessagePack INTEGER as io.easyrpc.codec.CodecFixtures$Small")
			.withMessageContaining("300");
	}

	@Test
	void nilForPrimitiveFollowsJacksonConfiguration() {
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { (byte) 0xc0 }, this.codec.valueType(int.class)))
			.withMessageStartingWith("Cannot decode MessagePack NIL as int: ");
	}

	@Test
	void encodingFailureIsReported() {
		Object unserializable = new Object() {

			public String getBroken() {
				throw new IllegalStateException("boom");
			}

		};
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(unserializable, this.codec.valueType(Object.class)))
			.withMessageStartingWith("Cannot encode io.easyrpc.codec.ObjectCodecMalformedInputTests$")
			.withMessageContaining("as java.lang.Object")
			.withMessageContaining("boom");
	}

	private Object decodeAs(Object value, Class<?> type) {
		byte[] bytes = this.codec.encode(value, this.codec.valueType(value.getClass()));
		return this.codec.decode(bytes, this.codec.valueType(type));
	}

}
