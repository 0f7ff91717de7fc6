package io.easyrpc.codec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The defaults that let peers with different versions of a record or an enum read each
 * other's values, alike in every codec: unknown properties are ignored, an absent
 * primitive component is its default while an explicit nil for it is refused, and an
 * unknown enum constant reads as the enum's {@code @JsonEnumDefaultValue} constant.
 */
class EvolutionDefaultsTests {

	private static final List<ObjectCodec> CODECS = List.of(ObjectCodec.createDefault(),
			new MessagePackObjectCodec(MessagePackMapper.builderFrom(JsonMapper.builder().build()).build()),
			JsonObjectCodec.createDefault());

	@Test
	void unknownPropertiesAreIgnored() {
		for (ObjectCodec codec : CODECS) {
			assertThat(decode(codec, Map.of("sku", "BK-1", "stock", 3, "location", "Berlin"), Item.class))
				.isEqualTo(new Item("BK-1", 3));
		}
	}

	@Test
	void anAbsentPrimitiveComponentIsItsDefault() {
		for (ObjectCodec codec : CODECS) {
			assertThat(decode(codec, Map.of("sku", "BK-1"), Item.class)).isEqualTo(new Item("BK-1", 0));
			assertThat(decode(codec, Map.of(), Item.class)).isEqualTo(new Item(null, 0));
		}
	}

	@Test
	void anExplicitNilForAPrimitiveComponentIsStillRefused() {
		Map<String, Object> nil = new HashMap<>();
		nil.put("sku", "BK-1");
		nil.put("stock", null);
		for (ObjectCodec codec : CODECS) {
			assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decode(codec, nil, Item.class))
				.withMessageContaining("Cannot map `null` into type `int`")
				.withMessageContaining("stock");
		}
	}

	@Test
	void anUnknownEnumConstantReadsAsTheDefaultConstant() {
		for (ObjectCodec codec : CODECS) {
			assertThat(decode(codec, "REFURBISHED", Condition.class)).isEqualTo(Condition.UNKNOWN);
			assertThat(decode(codec, "USED", Condition.class)).isEqualTo(Condition.USED);
		}
	}

	@Test
	void anUnknownEnumConstantWithoutADefaultConstantIsRefusedNamingIt() {
		for (ObjectCodec codec : CODECS) {
			assertThatExceptionOfType(CodecException.class).isThrownBy(() -> decode(codec, "BACKORDERED", Status.class))
				.withMessageContaining("from String \"BACKORDERED\": not one of the values accepted");
		}
	}

	private static Object decode(ObjectCodec codec, Object value, Class<?> type) {
		byte[] bytes = codec.encode(value, codec.valueType(Object.class));
		return codec.decode(bytes, codec.valueType(type));
	}

	record Item(String sku, int stock) {
	}

	enum Status {

		AVAILABLE, DISCONTINUED

	}

	enum Condition {

		NEW, USED, @JsonEnumDefaultValue
		UNKNOWN

	}

}
