package io.easyrpc.codec;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.easyrpc.codec.CodecFixtures.Blob;
import io.easyrpc.codec.CodecFixtures.Catalog;
import io.easyrpc.codec.CodecFixtures.Color;
import io.easyrpc.codec.CodecFixtures.Customer;
import io.easyrpc.codec.CodecFixtures.Item;
import io.easyrpc.codec.CodecFixtures.Times;
import io.easyrpc.codec.CodecFixtures.Wide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import static io.easyrpc.codec.CodecFixtures.repackWithMsgpackCore;
import static io.easyrpc.codec.CodecFixtures.typeOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through {@link ObjectCodec} for every family of types.
 */
class ObjectCodecTests {

	private final MessagePackObjectCodec codec = MessagePackObjectCodec.createDefault();

	@Test
	void roundTripsRecord() throws IOException {
		Item item = new Item("pen", 3, Color.BLUE, List.of("office", "blue"));
		assertThat(roundTrip(item, Item.class)).isEqualTo(item);
	}

	@Test
	void roundTripsBeanWithGettersAndSetters() throws IOException {
		Customer customer = new Customer();
		customer.setFirstName("Ada");
		customer.setAge(36);
		customer.setOrders(List.of(new Item("ink", 1, Color.RED, List.of())));
		assertThat(roundTrip(customer, Customer.class)).isEqualTo(customer);
	}

	@Test
	void roundTripsNestedGenericTypes() throws IOException {
		List<Map<String, Item>> nested = List.of(Map.of("a", new Item("a", 1, Color.RED, List.of("x"))),
				Map.of("b", new Item("b", 2, Color.GREEN, List.of()), "c", new Item("c", 3, null, null)));
		Object decoded = roundTrip(nested, typeOf(new TypeReference<List<Map<String, Item>>>() {
		}));
		assertThat(decoded).isEqualTo(nested);
		assertThat(((List<?>) decoded).get(0)).isInstanceOf(Map.class);
		assertThat(((Map<?, ?>) ((List<?>) decoded).get(0)).get("a")).isInstanceOf(Item.class);
		Map<String, List<Integer>> lists = Map.of("primes", List.of(2, 3, 5, 7), "empty", List.of());
		assertThat(roundTrip(lists, typeOf(new TypeReference<Map<String, List<Integer>>>() {
		}))).isEqualTo(lists);
	}

	@Test
	void roundTripsEnums() throws IOException {
		assertThat(roundTrip(Color.GREEN, Color.class)).isEqualTo(Color.GREEN);
		List<Color> colors = List.of(Color.RED, Color.BLUE);
		assertThat(roundTrip(colors, typeOf(new TypeReference<List<Color>>() {
		}))).isEqualTo(colors);
	}

	@Test
	void roundTripsJavaTimeValues() throws IOException {
		Times times = new Times(Instant.parse("2024-05-01T10:15:30.123456789Z"), LocalDate.of(2024, 2, 29),
				Duration.ofMillis(1500), OffsetDateTime.parse("2024-05-01T10:15:30+02:00"));
		Times decoded = (Times) roundTrip(times, Times.class);
		assertThat(decoded.instant()).isEqualTo(times.instant());
		assertThat(decoded.date()).isEqualTo(times.date());
		assertThat(decoded.duration()).isEqualTo(times.duration());
		// Jackson adjusts offsets to the context time zone (UTC) on read: same instant.
		assertThat(decoded.offset()).isAtSameInstantAs(times.offset());
	}

	@Test
	void writesInstantAsIsoStringByDefault() throws IOException {
		Instant instant = Instant.parse("2024-05-01T10:15:30Z");
		byte[] bytes = this.codec.encode(instant, this.codec.valueType(Instant.class));
		Value value = MessagePack.newDefaultUnpacker(bytes).unpackValue();
		assertThat(value.isStringValue()).isTrue();
		assertThat(value.asStringValue().asString()).isEqualTo("2024-05-01T10:15:30Z");
	}

	@Test
	void readsTimestampExtensionAsInstant() throws IOException {
		Instant instant = Instant.parse("2024-05-01T10:15:30.5Z");
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packTimestamp(instant);
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(Instant.class))).isEqualTo(instant);
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(Object.class))).isEqualTo(instant);
	}

	@Test
	void roundTripsExtensionValues() throws IOException {
		MessagePackExtension extension = new MessagePackExtension((byte) 7, new byte[] { 1, 2, 3 });
		assertThat(roundTrip(extension, MessagePackExtension.class)).isEqualTo(extension);
		assertThat(roundTrip(extension, Object.class)).isEqualTo(extension);
		Map<String, Object> holder = Map.of("ext", extension);
		assertThat(roundTrip(holder, Object.class)).isEqualTo(holder);
		byte[] bytes = this.codec.encode(extension, this.codec.valueType(MessagePackExtension.class));
		assertThat(MessagePack.newDefaultUnpacker(bytes).unpackValue().isExtensionValue()).isTrue();
	}

	@Test
	void roundTripsEmptyAndLargeByteArrays() throws IOException {
		byte[] large = new byte[1024 * 1024];
		new Random(7).nextBytes(large);
		for (byte[] bytes : List.of(new byte[0], large)) {
			assertThat((byte[]) roundTrip(bytes, byte[].class)).isEqualTo(bytes);
			assertThat((byte[]) roundTrip(bytes, Object.class)).isEqualTo(bytes);
			Blob blob = new Blob("blob", bytes);
			assertThat(roundTrip(blob, Blob.class)).isEqualTo(blob);
		}
		byte[] encoded = this.codec.encode(large, this.codec.valueType(byte[].class));
		assertThat(MessagePack.newDefaultUnpacker(encoded).unpackValue().isBinaryValue()).isTrue();
	}

	@Test
	void roundTripsOptionalValues() throws IOException {
		Type type = typeOf(new TypeReference<Optional<Item>>() {
		});
		Optional<Item> present = Optional.of(new Item("x", 1, Color.RED, List.of()));
		assertThat(roundTrip(present, type)).isEqualTo(present);
		assertThat(roundTrip(Optional.empty(), type)).isEqualTo(Optional.empty());
		assertThat(roundTrip(null, type)).isEqualTo(Optional.empty());
		CodecFixtures.Amounts amounts = new CodecFixtures.Amounts(null, null, Optional.empty());
		assertThat(roundTrip(amounts, CodecFixtures.Amounts.class)).isEqualTo(amounts);
		amounts = new CodecFixtures.Amounts(null, null, Optional.of("note"));
		assertThat(roundTrip(amounts, CodecFixtures.Amounts.class)).isEqualTo(amounts);
	}

	@Test
	void roundTripsNullAtTopLevelAndInsideCollections() throws IOException {
		assertThat(roundTrip(null, Item.class)).isNull();
		assertThat(roundTrip(null, String.class)).isNull();
		assertThat(roundTrip(null, Integer.class)).isNull();
		assertThat(roundTrip(null, Object.class)).isNull();
		assertThat(this.codec.encode(null, this.codec.valueType(Item.class))).containsExactly(0xc0);
		List<String> withNulls = Arrays.asList("a", null, "c");
		assertThat(roundTrip(withNulls, typeOf(new TypeReference<List<String>>() {
		}))).isEqualTo(withNulls);
		Map<String, Item> map = new LinkedHashMap<>();
		map.put("none", null);
		map.put("some", new Item(null, 0, null, null));
		assertThat(roundTrip(map, typeOf(new TypeReference<Map<String, Item>>() {
		}))).isEqualTo(map);
	}

	@Test
	void roundTripsBigNumbers() throws IOException {
		BigDecimal decimal = new BigDecimal("-12345678901234567890.000000000000000001");
		assertThat(roundTrip(decimal, BigDecimal.class)).isEqualTo(decimal);
		BigInteger huge = BigInteger.TWO.pow(100).negate();
		assertThat(roundTrip(huge, BigInteger.class)).isEqualTo(huge);
		BigInteger uint64Max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
		assertThat(roundTrip(uint64Max, BigInteger.class)).isEqualTo(uint64Max);
		assertThat(roundTrip(uint64Max, Object.class)).isEqualTo(uint64Max);
		byte[] bytes = this.codec.encode(uint64Max, this.codec.valueType(BigInteger.class));
		assertThat(bytes).hasSize(9).startsWith(0xcf);
		CodecFixtures.Amounts amounts = new CodecFixtures.Amounts(new BigDecimal("9.99"), uint64Max, Optional.empty());
		assertThat(roundTrip(amounts, CodecFixtures.Amounts.class)).isEqualTo(amounts);
	}

	@Test
	void roundTripsUnicodeAndVeryLongStrings() throws IOException {
		String unicode = "h\u00e9llo w\u00f6rld \u65e5\u672c\u8a9e \ud83c\udf89 \u0000 end";
		assertThat(roundTrip(unicode, String.class)).isEqualTo(unicode);
		String longString = "\u00e9\ud83c\udf89abc".repeat(1_000_000);
		assertThat(roundTrip(longString, String.class)).isEqualTo(longString);
		Item item = new Item(longString, 1, Color.RED, List.of(unicode, longString));
		assertThat(roundTrip(item, Item.class)).isEqualTo(item);
	}

	@Test
	void roundTripsObjectTypedValuesAsNaturalTypes() throws IOException {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("string", "s");
		map.put("int", 42);
		map.put("long", 1L << 40);
		map.put("double", 2.5);
		map.put("bool", true);
		map.put("null", null);
		map.put("list", List.of(1, "two", List.of()));
		map.put("nested", Map.of("k", "v"));
		assertThat(roundTrip(map, Object.class)).isEqualTo(map);
		Object record = roundTrip(new Item("a", 1, Color.GREEN, List.of("t")), Object.class);
		assertThat(record).isEqualTo(Map.of("name", "a", "quantity", 1, "color", "GREEN", "tags", List.of("t")));
		assertThat(roundTrip("text", Object.class)).isEqualTo("text");
		assertThat(roundTrip(7L, Object.class)).isEqualTo(7);
		assertThat(roundTrip(1.5f, Object.class)).isEqualTo(1.5f);
	}

	@Test
	void roundTripsPrimitivesAndBoxes() throws IOException {
		Object[][] cases = { { true, boolean.class }, { false, Boolean.class }, { Byte.MIN_VALUE, byte.class },
				{ Byte.MAX_VALUE, Byte.class }, { Short.MIN_VALUE, short.class }, { Short.MAX_VALUE, Short.class },
				{ Integer.MIN_VALUE, int.class }, { Integer.MAX_VALUE, Integer.class }, { Long.MIN_VALUE, long.class },
				{ Long.MAX_VALUE, Long.class }, { -0.0f, float.class }, { Float.NaN, Float.class },
				{ Double.MAX_VALUE, double.class }, { Double.NEGATIVE_INFINITY, Double.class }, { 'x', char.class },
				{ "", String.class } };
		for (Object[] testCase : cases) {
			assertThat(roundTrip(testCase[0], (Type) testCase[1])).as("%s", testCase[1]).isEqualTo(testCase[0]);
		}
	}

	@Test
	void fastPathMatchesJacksonEncoding() throws IOException {
		MessagePackMapper mapper = this.codec.mapper();
		for (Object value : List.of("text", 12, -5L, 3.25, 1.5f, true, new byte[] { 1, 2 }, (short) 300, (byte) -3)) {
			assertThat(this.codec.encode(value, this.codec.valueType(value.getClass())))
				.isEqualTo(mapper.writeValueAsBytes(value));
		}
	}

	@Test
	void decodesOtherMessagePackTypesWithJacksonCoercion() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packString("42");
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(int.class))).isEqualTo(42);
		packer.clear();
		packer.packInt(7);
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(double.class))).isEqualTo(7.0);
		packer.clear();
		packer.packFloat(0.5f);
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(Double.class))).isEqualTo(0.5);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 15, 16, 255, 65535, 65536, 70000 })
	void writesCanonicalContainerHeadersAtEverySize(int size) throws IOException {
		List<Item> items = IntStream.range(0, size)
			.mapToObj((i) -> new Item("n" + i, i, Color.RED, List.of()))
			.toList();
		Map<String, Item> index = new LinkedHashMap<>();
		items.forEach((item) -> index.put(item.name(), item));
		List<Catalog> catalogs = List.of(new Catalog("first", items, index),
				new Catalog("second", List.of(), Map.of()));
		Type type = typeOf(new TypeReference<List<Catalog>>() {
		});
		byte[] bytes = this.codec.encode(catalogs, this.codec.valueType(type));
		assertThat(repackWithMsgpackCore(bytes)).isEqualTo(bytes);
		assertThat(this.codec.decode(bytes, this.codec.valueType(type))).isEqualTo(catalogs);
		Map<String, Object> untyped = new LinkedHashMap<>();
		items.forEach((item) -> untyped.put(item.name(), List.of(item.quantity())));
		assertThat(roundTrip(untyped, Object.class)).isEqualTo(untyped);
	}

	@Test
	void widensObjectHeaderForRecordsWithManyProperties() throws IOException {
		Wide wide = new Wide(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
		List<Wide> list = List.of(wide, wide);
		byte[] bytes = this.codec.encode(list, this.codec.valueType(typeOf(new TypeReference<List<Wide>>() {
		})));
		assertThat(bytes[1] & 0xff).isEqualTo(0xde);
		assertThat(repackWithMsgpackCore(bytes)).isEqualTo(bytes);
		assertThat(roundTrip(list, typeOf(new TypeReference<List<Wide>>() {
		}))).isEqualTo(list);
	}

	@Test
	void narrowsMapHeaderWhenInclusionRulesDropEntries() throws IOException {
		MessagePackMapper mapper = MessagePackMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
					JsonInclude.Include.NON_NULL))
			.build();
		ObjectCodec filtering = new MessagePackObjectCodec(mapper);
		Map<String, Integer> map = new LinkedHashMap<>();
		for (int i = 0; i < 20; i++) {
			map.put("k" + i, (i < 3) ? i : null);
		}
		byte[] bytes = filtering.encode(map, filtering.valueType(typeOf(new TypeReference<Map<String, Integer>>() {
		})));
		assertThat(bytes[0] & 0xff).isEqualTo(0x83);
		assertThat(repackWithMsgpackCore(bytes)).isEqualTo(bytes);
		assertThat(filtering.decode(bytes, filtering.valueType(Object.class)))
			.isEqualTo(Map.of("k0", 0, "k1", 1, "k2", 2));
	}

	@Test
	void writesValuesBackToBackAndReadsExactlyOneValueEachTime() throws IOException {
		Item item = new Item("a", 1, Color.RED, List.of("x"));
		List<Item> items = List.of(item, item);
		Type listType = typeOf(new TypeReference<List<Item>>() {
		});
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		this.codec.write(packer, item, this.codec.valueType(Item.class));
		this.codec.write(packer, "between", this.codec.valueType(String.class));
		this.codec.write(packer, items, this.codec.valueType(listType));
		this.codec.write(packer, Map.of("k", 1), this.codec.valueType(Object.class));
		this.codec.write(packer, 5, this.codec.valueType(int.class));
		packer.packString("trailer");
		MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(packer.toByteArray());
		assertThat(this.codec.read(unpacker, this.codec.valueType(Item.class))).isEqualTo(item);
		assertThat(this.codec.read(unpacker, this.codec.valueType(String.class))).isEqualTo("between");
		assertThat(this.codec.read(unpacker, this.codec.valueType(listType))).isEqualTo(items);
		assertThat(this.codec.read(unpacker, this.codec.valueType(Object.class))).isEqualTo(Map.of("k", 1));
		assertThat(this.codec.read(unpacker, this.codec.valueType(int.class))).isEqualTo(5);
		assertThat(unpacker.unpackString()).isEqualTo("trailer");
		assertThat(unpacker.hasNext()).isFalse();
	}

	@Test
	void voidWritesNilAndSkipsExactlyOneValue() throws IOException {
		ValueType voidType = this.codec.valueType(void.class);
		assertThat(this.codec.encode("ignored", voidType)).containsExactly(0xc0);
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		this.codec.write(packer, List.of(new Item("a", 1, Color.RED, List.of())), this.codec.valueType(Object.class));
		packer.packInt(9);
		MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(packer.toByteArray());
		assertThat(this.codec.read(unpacker, this.codec.valueType(Void.class))).isNull();
		assertThat(unpacker.unpackInt()).isEqualTo(9);
	}

	@Test
	void valueTypesAreCachedAndKeepTheirGenerics() {
		Type type = typeOf(new TypeReference<List<Map<String, Item>>>() {
		});
		ValueType valueType = this.codec.valueType(type);
		assertThat(this.codec.valueType(type)).isSameAs(valueType);
		assertThat(valueType)
			.hasToString("java.util.List<java.util.Map<java.lang.String," + "io.easyrpc.codec.CodecFixtures$Item>>");
		assertThat(valueType.javaType().getContentType().getContentType().getRawClass()).isEqualTo(Item.class);
		assertThat(this.codec.valueType(int.class).isPrimitive()).isTrue();
	}

	@Test
	void supportsNestedUseFromACustomSerializerOnTheSameThread() {
		AtomicReference<ObjectCodec> holder = new AtomicReference<>();
		SimpleModule module = new SimpleModule();
		module.addSerializer(Catalog.class, new StdSerializer<>(Catalog.class) {

			@Override
			public void serialize(Catalog value, JsonGenerator generator, SerializationContext context) {
				ObjectCodec codec = holder.get();
				generator.writeBinary(codec.encode(value.items(), codec.valueType(Object.class)));
			}

		});
		ObjectCodec nesting = new MessagePackObjectCodec(MessagePackMapper.builder().addModule(module).build());
		holder.set(nesting);
		List<Item> items = List.of(new Item("a", 1, Color.RED, List.of()));
		byte[] bytes = nesting.encode(List.of(new Catalog("c", items, Map.of())), nesting.valueType(Object.class));
		List<?> decoded = (List<?>) nesting.decode(bytes, nesting.valueType(typeOf(new TypeReference<List<byte[]>>() {
		})));
		assertThat(nesting.decode((byte[]) decoded.get(0), nesting.valueType(typeOf(new TypeReference<List<Item>>() {
		})))).isEqualTo(items);
	}

	private Object roundTrip(Object value, Type type) throws IOException {
		ValueType valueType = this.codec.valueType(type);
		byte[] encoded = this.codec.encode(value, valueType);
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		this.codec.write(packer, value, valueType);
		assertThat(packer.toByteArray()).isEqualTo(encoded);
		Object decoded = this.codec.decode(encoded, valueType);
		MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(encoded);
		Object read = this.codec.read(unpacker, valueType);
		assertThat(unpacker.hasNext()).isFalse();
		if (decoded instanceof byte[] bytes) {
			assertThat((byte[]) read).isEqualTo(bytes);
		}
		else {
			assertThat(read).isEqualTo(decoded);
		}
		return decoded;
	}

}
