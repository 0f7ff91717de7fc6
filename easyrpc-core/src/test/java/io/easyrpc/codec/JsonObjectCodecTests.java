package io.easyrpc.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.easyrpc.codec.CodecFixtures.Blob;
import io.easyrpc.codec.CodecFixtures.Catalog;
import io.easyrpc.codec.CodecFixtures.Color;
import io.easyrpc.codec.CodecFixtures.Item;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.PropertyNamingStrategies;

import static io.easyrpc.codec.CodecFixtures.typeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonObjectCodecTests {

	private final JsonObjectCodec codec = JsonObjectCodec.createDefault();

	private static final Item ITEM = new Item("bolt", 3, Color.GREEN, List.of("steel", "m4"));

	@Test
	void formatIsJsonAndTheDefaultCodecIsMessagePack() {
		assertThat(this.codec.format()).isEqualTo(CodecFormat.JSON);
		assertThat(ObjectCodec.createDefault()).isInstanceOf(MessagePackObjectCodec.class);
		assertThat(ObjectCodec.createDefault().format()).isEqualTo(CodecFormat.MSGPACK);
	}

	@Test
	void eachValueIsAMessagePackStrHoldingItsJsonText() throws IOException {
		assertThat(this.codec.encode("hi", this.codec.valueType(String.class))).containsExactly(0xa4, '"', 'h', 'i',
				'"');
		assertThat(this.codec.encode(null, this.codec.valueType(String.class))).containsExactly(0xa4, 'n', 'u', 'l',
				'l');
		assertThat(jsonText(this.codec.encode(ITEM, this.codec.valueType(Item.class))))
			.isEqualTo("{\"name\":\"bolt\",\"quantity\":3,\"color\":\"GREEN\",\"tags\":[\"steel\",\"m4\"]}");
		assertThat(jsonText(this.codec.encode(new byte[] { 1, 2, 3 }, this.codec.valueType(byte[].class))))
			.isEqualTo("\"AQID\"");
	}

	@Test
	void longTextsGetTheStrHeaderMsgpackCoreWouldWrite() throws IOException {
		for (int length : new int[] { 0, 29, 30, 31, 253, 254, 65533, 65534, 70000 }) {
			String text = "x".repeat(length);
			ValueType type = this.codec.valueType(String.class);
			byte[] encoded = this.codec.encode(text, type);
			MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
			this.codec.write(packer, text, type);
			assertThat(encoded).isEqualTo(packer.toByteArray());
			assertThat(this.codec.decode(encoded, type)).isEqualTo(text);
		}
	}

	@Test
	void recordsGenericsAndNullsRoundTrip() {
		Catalog catalog = new Catalog("spring", List.of(ITEM, new Item("nut", 0, Color.RED, List.of())),
				Map.of("bolt", ITEM));
		assertThat(roundTrip(catalog, Catalog.class)).isEqualTo(catalog);
		List<Item> items = List.of(ITEM);
		assertThat(roundTrip(items, typeOf(new TypeReference<List<Item>>() {
		}))).isEqualTo(items);
		Map<String, List<Integer>> map = Map.of("a", List.of(1, 2));
		assertThat(roundTrip(map, typeOf(new TypeReference<Map<String, List<Integer>>>() {
		}))).isEqualTo(map);
		assertThat(roundTrip(Optional.of("x"), typeOf(new TypeReference<Optional<String>>() {
		}))).isEqualTo(Optional.of("x"));
		assertThat(roundTrip(null, Item.class)).isNull();
		assertThat(roundTrip(null, String.class)).isNull();
		assertThat(roundTrip(new Item("n", 1, null, null), Item.class)).isEqualTo(new Item("n", 1, null, null));
	}

	@Test
	void bytesAndScalarsRoundTrip() {
		Blob blob = new Blob("b", new byte[] { 0, -1, 127, -128 });
		assertThat(roundTrip(blob, Blob.class)).isEqualTo(blob);
		assertThat((byte[]) roundTrip(new byte[] { 9, 8 }, byte[].class)).containsExactly(9, 8);
		assertThat(roundTrip(42, int.class)).isEqualTo(42);
		assertThat(roundTrip(Long.MAX_VALUE, Long.class)).isEqualTo(Long.MAX_VALUE);
		assertThat(roundTrip(1.5, double.class)).isEqualTo(1.5);
		assertThat(roundTrip(true, boolean.class)).isEqualTo(true);
		assertThat(roundTrip("snow \u2603 \"quoted\"", String.class)).isEqualTo("snow \u2603 \"quoted\"");
	}

	@Test
	void valueDeclaredAsObjectIsReadAsNaturalJsonTypes() {
		Object decoded = roundTrip(ITEM, Object.class);
		assertThat(decoded)
			.isEqualTo(Map.of("name", "bolt", "quantity", 3, "color", "GREEN", "tags", List.of("steel", "m4")));
	}

	@Test
	void voidWritesNullAndSkipsOnRead() {
		ValueType type = this.codec.valueType(void.class);
		byte[] encoded = this.codec.encode(null, type);
		assertThat(jsonText(encoded)).isEqualTo("null");
		assertThat(this.codec.decode(encoded, type)).isNull();
	}

	@Test
	void nilAndBinAreAcceptedOnRead() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packNil();
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(Item.class))).isNull();
		byte[] json = "{\"name\":\"bolt\",\"quantity\":3,\"color\":\"GREEN\",\"tags\":[\"steel\",\"m4\"]}"
			.getBytes(StandardCharsets.UTF_8);
		packer = MessagePack.newDefaultBufferPacker();
		packer.packBinaryHeader(json.length);
		packer.writePayload(json);
		assertThat(this.codec.decode(packer.toByteArray(), this.codec.valueType(Item.class))).isEqualTo(ITEM);
	}

	@Test
	void readingLeavesTheUnpackerRightBehindTheValue() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(3);
		this.codec.write(packer, "a", this.codec.valueType(String.class));
		this.codec.write(packer, ITEM, this.codec.valueType(Item.class));
		this.codec.write(packer, 7, this.codec.valueType(int.class));
		MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(packer.toByteArray());
		assertThat(unpacker.unpackArrayHeader()).isEqualTo(3);
		assertThat(this.codec.read(unpacker, this.codec.valueType(String.class))).isEqualTo("a");
		assertThat(this.codec.read(unpacker, this.codec.valueType(Item.class))).isEqualTo(ITEM);
		assertThat(this.codec.read(unpacker, this.codec.valueType(int.class))).isEqualTo(7);
		assertThat(unpacker.hasNext()).isFalse();
	}

	@Test
	void typesOfAMessagePackCodecAreAdoptedOnceAndKept() {
		MessagePackObjectCodec messagePack = MessagePackObjectCodec.createDefault();
		ValueType foreign = messagePack.valueType(typeOf(new TypeReference<List<Item>>() {
		}));
		byte[] encoded = this.codec.encode(List.of(ITEM), foreign);
		assertThat(jsonText(encoded)).startsWith("[{\"name\":\"bolt\"");
		assertThat(this.codec.decode(encoded, foreign)).isEqualTo(List.of(ITEM));
		ValueType sibling = foreign.sibling();
		assertThat(sibling).isNotNull();
		assertThat(sibling.owner()).isSameAs(this.codec);
		this.codec.decode(encoded, foreign);
		assertThat(foreign.sibling()).isSameAs(sibling);
		// The MessagePack codec itself is unaffected.
		assertThat(messagePack.decode(messagePack.encode(List.of(ITEM), foreign), foreign)).isEqualTo(List.of(ITEM));
	}

	@Test
	void failureDetailsNameTheTypeAndThePath() {
		byte[] wrongField = str("{\"name\":\"bolt\",\"quantity\":\"lots\",\"color\":\"RED\",\"tags\":[]}");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(wrongField, this.codec.valueType(Item.class)))
			.withMessageContaining("Cannot decode JSON text as " + Item.class.getName())
			.withMessageContaining("quantity");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(str("{\"name\":"), this.codec.valueType(Item.class)))
			.withMessageContaining("Cannot decode JSON text");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(str("1 2"), this.codec.valueType(int.class)))
			.withMessageContaining("Cannot decode JSON text");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { 0x07 }, this.codec.valueType(int.class)))
			.withMessageContaining("Cannot decode MessagePack INTEGER")
			.withMessageContaining("str holding JSON text");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { (byte) 0xa5, '1' }, this.codec.valueType(int.class)))
			.withMessageContaining("Truncated");
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { (byte) 0xa1, '1', 0x01 }, this.codec.valueType(int.class)))
			.withMessageContaining("1 bytes follow");
	}

	@Test
	void strictnessMatchesTheMessagePackCodec() {
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.decode(str("1.5"), this.codec.valueType(long.class)));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(new Object(), this.codec.valueType(Object.class)))
			.withMessageContaining("Cannot encode java.lang.Object as JSON");
	}

	@Test
	void theMapperConfigurationApplies() {
		JsonObjectCodec snake = new JsonObjectCodec(JsonObjectCodec
			.mapperBuilderFrom(tools.jackson.databind.json.JsonMapper.builder()
				.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
				.build())
			.build());
		record Order(String orderId, int itemCount) {
		}
		byte[] encoded = snake.encode(new Order("o-1", 2), snake.valueType(Order.class));
		assertThat(jsonText(encoded)).isEqualTo("{\"order_id\":\"o-1\",\"item_count\":2}");
		assertThat(snake.decode(encoded, snake.valueType(Order.class))).isEqualTo(new Order("o-1", 2));
	}

	private Object roundTrip(Object value, java.lang.reflect.Type type) {
		ValueType valueType = this.codec.valueType(type);
		return this.codec.decode(this.codec.encode(value, valueType), valueType);
	}

	private static byte[] str(String json) {
		try {
			MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
			packer.packString(json);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String jsonText(byte[] encoded) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(encoded)) {
			String text = unpacker.unpackString();
			assertThat(unpacker.hasNext()).isFalse();
			return text;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
