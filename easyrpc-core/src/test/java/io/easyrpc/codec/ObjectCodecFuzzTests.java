package io.easyrpc.codec;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.easyrpc.codec.CodecFixtures.Catalog;
import io.easyrpc.codec.CodecFixtures.Item;
import io.easyrpc.internal.protocol.FuzzInputs;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import tools.jackson.core.type.TypeReference;

import static io.easyrpc.codec.CodecFixtures.typeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property tests of the object codec: generated values round-trip, and every mutation of
 * their encoding (bit flips, truncation, inflated size headers, stray bytes), decoded as
 * any of a set of types, either decodes or fails with a {@link CodecException} that says
 * why, without allocating more than the input's size allows.
 */
class ObjectCodecFuzzTests {

	private static final ObjectCodec codec = ObjectCodec.createDefault();

	private static final List<ValueType> TYPES = List
		.of(Object.class, String.class, int.class, long.class, double.class, byte[].class, Instant.class, Item.class,
				Catalog.class, typeOf(new TypeReference<List<Integer>>() {
				}), typeOf(new TypeReference<Map<String, Object>>() {
				}))
		.stream()
		.map((Type type) -> codec.valueType(type))
		.toList();

	private static final ValueType OBJECT = codec.valueType(Object.class);

	// Edge cases of nested lists and maps multiply with the depth; random values and
	// their mutations cover them well enough.
	@Property(edgeCases = EdgeCasesMode.NONE)
	void valuesRoundTripAndMutationsFailCleanly(@ForAll("values") Object value, @ForAll Random random) {
		byte[] valid = codec.encode(value, OBJECT);
		assertThat(normalize(codec.decode(valid, OBJECT))).isEqualTo(normalize(value));
		FuzzInputs.count();
		for (int i = 0; i < FuzzInputs.MUTATIONS; i++) {
			byte[] mutated = FuzzInputs.mutate(valid, random);
			ValueType type = TYPES.get(random.nextInt(TYPES.size()));
			long before = FuzzInputs.allocated();
			try {
				codec.decode(mutated, type);
			}
			catch (CodecException ex) {
				assertThat(ex.getMessage()).isNotBlank().doesNotEndWith(": null").doesNotContain("null bytes");
			}
			catch (RuntimeException | Error ex) {
				fail("Decoding %s as %s threw %s", HexFormat.of().formatHex(mutated), type, ex);
			}
			assertThat(FuzzInputs.allocated() - before)
				.as("bytes allocated decoding %s as %s", HexFormat.of().formatHex(mutated), type)
				.isLessThan(FuzzInputs.allocationBound(mutated.length));
			FuzzInputs.count();
		}
	}

	@AfterContainer
	static void report() {
		System.out.println("ObjectCodecFuzzTests: " + FuzzInputs.counted() + " inputs decoded in this JVM so far");
	}

	@Provide
	Arbitrary<Object> values() {
		return value(3);
	}

	private static Arbitrary<Object> value(int depth) {
		Arbitrary<String> texts = Arbitraries.strings()
			.withCharRange(' ', '~')
			.withCharRange('\u00a0', '\u07ff')
			.withChars('\n', '\u20ac', '\u4e2d')
			.ofMaxLength(30);
		Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.integers().map(Object.class::cast),
				Arbitraries.longs().filter((value) -> value != (int) (long) value).map(Object.class::cast),
				Arbitraries.doubles().map(Object.class::cast), texts.map(Object.class::cast),
				Arbitraries.of(true, false).map(Object.class::cast),
				Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Object.class::cast));
		if (depth == 0) {
			return leaf.injectNull(0.05);
		}
		Arbitrary<Object> inner = value(depth - 1);
		return Arbitraries
			.frequencyOf(Tuple.of(4, leaf), Tuple.of(1, inner.list().ofMaxSize(4).map(Object.class::cast)),
					Tuple.of(1, Arbitraries.maps(texts, inner).ofMaxSize(4).map(Object.class::cast)))
			.injectNull(0.05);
	}

	// byte[] has no value equality: compare it as hex.
	private static Object normalize(Object value) {
		if (value instanceof byte[] bytes) {
			return "bin:" + HexFormat.of().formatHex(bytes);
		}
		if (value instanceof List<?> list) {
			List<Object> result = new ArrayList<>();
			list.forEach((element) -> result.add(normalize(element)));
			return result;
		}
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> result = new LinkedHashMap<>();
			map.forEach((key, element) -> result.put(key, normalize(element)));
			return result;
		}
		return value;
	}

}
