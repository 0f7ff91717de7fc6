package io.easyrpc.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.easyrpc.codec.CodecFixtures.Color;
import io.easyrpc.codec.CodecFixtures.Item;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MessagePackMapper}, its builder and its use as a plain Jackson mapper.
 */
class MessagePackMapperTests {

	@Test
	void builderFromCopiesModulesNamingFeaturesAndInclusionOfAJsonMapper() throws IOException {
		JsonMapper json = JsonMapper.builder()
			.addModule(moneyModule())
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.build();
		MessagePackMapper mapper = MessagePackMapper.builderFrom(json).build();
		assertThat(mapper.registeredModules()).extracting((module) -> module.getRegistrationId()).contains("money");
		ObjectCodec codec = new MessagePackObjectCodec(mapper);
		Invoice invoice = new Invoice("Ada Lovelace", new Money(1250, "EUR"), null, LocalDate.of(2024, 5, 1));
		byte[] bytes = codec.encode(invoice, codec.valueType(Invoice.class));
		Map<Value, Value> encoded = MessagePack.newDefaultUnpacker(bytes).unpackValue().asMapValue().map();
		assertThat(encoded.keySet()).extracting(Value::toString)
			.containsExactlyInAnyOrder("customer_name", "total", "issued_on");
		assertThat(encoded.get(key("total")).asStringValue().asString()).isEqualTo("1250 EUR");
		assertThat(encoded.get(key("issued_on")).isArrayValue()).isTrue();
		assertThat(codec.decode(bytes, codec.valueType(Invoice.class))).isEqualTo(invoice);
		byte[] unknown = codec.encode(Map.of("customer_name", "x", "surprise", 1), codec.valueType(Object.class));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> codec.decode(unknown, codec.valueType(Invoice.class)))
			.withMessageContaining("surprise");
	}

	@Test
	void builderFromLeavesTheTemplateUnchanged() {
		JsonMapper json = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE).build();
		String before = json.writeValueAsString(new Invoice("a", null, null, null));
		MessagePackMapper mapper = MessagePackMapper.builderFrom(json)
			.propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
			.addModule(moneyModule())
			.build();
		assertThat(json.writeValueAsString(new Invoice("a", null, null, null))).isEqualTo(before)
			.contains("customer-name");
		assertThat(json.registeredModules()).isEmpty();
		assertThat(mapper.tokenStreamFactory()).isInstanceOf(MessagePackFactory.class);
		byte[] bytes = mapper.writeValueAsBytes(new Invoice("a", null, null, null));
		assertThat(mapper.readValue(bytes, Map.class)).containsKey("CustomerName");
	}

	@Test
	void rebuildKeepsTheConfiguration() {
		MessagePackMapper mapper = MessagePackMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.build();
		MessagePackMapper rebuilt = mapper.rebuild().build();
		byte[] bytes = rebuilt.writeValueAsBytes(new Invoice("a", null, null, null));
		assertThat(rebuilt.readValue(bytes, Map.class)).containsKey("customer_name");
	}

	@Test
	void worksAsAPlainJacksonMapperOverArraysAndStreams() throws IOException {
		MessagePackMapper mapper = new MessagePackMapper();
		Item item = new Item("pen", 2, Color.RED, List.of("a"));
		byte[] bytes = mapper.writeValueAsBytes(item);
		assertThat(bytes)
			.isEqualTo(ObjectCodec.createDefault().encode(item, ObjectCodec.createDefault().valueType(Item.class)));
		assertThat(mapper.readValue(bytes, Item.class)).isEqualTo(item);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		mapper.writeValue(out, item);
		assertThat(out.toByteArray()).isEqualTo(bytes);
		assertThat(mapper.readValue(new ByteArrayInputStream(bytes), Item.class)).isEqualTo(item);
		assertThat(mapper.readTree(bytes).get("tags").get(0).asString()).isEqualTo("a");
	}

	@Test
	void readsSeveralRootValuesFromOneStream() throws IOException {
		MessagePackMapper mapper = new MessagePackMapper();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(mapper.writeValueAsBytes(new Item("a", 1, Color.RED, List.of())));
		out.write(mapper.writeValueAsBytes(new Item("b", 2, Color.GREEN, List.of())));
		try (MappingIterator<Item> items = mapper.readerFor(Item.class).readValues(out.toByteArray())) {
			assertThat(items.readAll()).extracting(Item::name).containsExactly("a", "b");
		}
	}

	@Test
	void rejectsTrailingValuesWhenReadingOneValue() throws IOException {
		MessagePackMapper mapper = new MessagePackMapper();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(mapper.writeValueAsBytes(1));
		out.write(mapper.writeValueAsBytes(2));
		assertThatExceptionOfType(tools.jackson.core.JacksonException.class)
			.isThrownBy(() -> mapper.readValue(out.toByteArray(), Integer.class))
			.withMessageContaining("Trailing token");
	}

	private static Value key(String name) {
		return org.msgpack.value.ValueFactory.newString(name);
	}

	private static SimpleModule moneyModule() {
		SimpleModule module = new SimpleModule("money");
		module.addSerializer(Money.class, new StdSerializer<>(Money.class) {

			@Override
			public void serialize(Money value, JsonGenerator generator, SerializationContext context) {
				generator.writeString(value.cents() + " " + value.currency());
			}

		});
		module.addDeserializer(Money.class, new StdDeserializer<>(Money.class) {

			@Override
			public Money deserialize(JsonParser parser, DeserializationContext context) {
				String[] parts = parser.getString().split(" ");
				return new Money(Long.parseLong(parts[0]), parts[1]);
			}

		});
		return module;
	}

	record Money(long cents, String currency) {
	}

	record Invoice(String customerName, Money total, String note, LocalDate issuedOn) {
	}

}
