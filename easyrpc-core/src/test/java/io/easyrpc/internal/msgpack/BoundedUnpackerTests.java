package io.easyrpc.internal.msgpack;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msgpack.core.MessageFormatException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BoundedUnpackerTests {

	@ParameterizedTest
	@CsvSource({ "db, ffffffff, 'str32 header claims 4294967295 bytes, 3 remain'",
			"c6, ffffffff, 'bin32 header claims 4294967295 bytes, 3 remain'",
			"dd, ffffffff, 'array32 header claims 4294967295 elements, 3 bytes remain'",
			"df, ffffffff, 'map32 header claims 4294967295 entries, 3 bytes remain'",
			"db, 7fffffff, 'str32 header claims 2147483647 bytes, 3 remain'",
			"dd, 00000002, 'array32 header claims 2 elements, 1 bytes remain'",
			"df, 00000002, 'map32 header claims 2 entries, 3 bytes remain'" })
	void sizeHeadersAreCheckedAgainstTheRemainingBytes(String format, String size, String message) {
		byte[] bytes = hex(
				format + size + "a1780c".substring(0, ("dd".equals(format) && "00000002".equals(size)) ? 2 : 6));
		BoundedUnpacker unpacker = new BoundedUnpacker().reset(bytes, 0, bytes.length);
		assertThatExceptionOfType(MessagePackException.class).isThrownBy(() -> {
			switch (format) {
				case "db" -> unpacker.unpackString();
				case "c6" -> unpacker.unpackBinaryHeader();
				case "dd" -> unpacker.unpackArrayHeader();
				default -> unpacker.unpackMapHeader();
			}
		}).withMessage(message);
	}

	@Test
	void claimsBeyondTwoGigabytesAreMalformedAndSmallerOnesTruncated() {
		byte[] huge = hex("dbffffffff61");
		assertThatExceptionOfType(MessageSizeException.class)
			.isThrownBy(() -> new BoundedUnpacker().reset(huge, 0, huge.length).unpackString());
		byte[] large = hex("db0000ffff61");
		assertThatExceptionOfType(SizeHeaderException.class)
			.isThrownBy(() -> new BoundedUnpacker().reset(large, 0, large.length).unpackString())
			.satisfies((ex) -> assertThat(ex.claimed()).isEqualTo(0xffff));
	}

	@Test
	void theArrayOffsetIsRespected() throws Exception {
		byte[] bytes = hex("ffff92a178c0ffff");
		BoundedUnpacker unpacker = new BoundedUnpacker().reset(bytes, 2, 4);
		assertThat(unpacker.unpackArrayHeader()).isEqualTo(2);
		assertThat(unpacker.unpackString()).isEqualTo("x");
		unpacker.unpackNil();
		assertThat(unpacker.hasNext()).isFalse();
	}

	@Test
	void invalidUtf8IsRefused() {
		for (String invalid : new String[] { "a2c328", "a2c0af", "a3eda080", "a4f4908080", "a1ff", "a1c3" }) {
			byte[] bytes = hex(invalid);
			assertThatExceptionOfType(MessageFormatException.class).as(invalid)
				.isThrownBy(() -> new BoundedUnpacker().reset(bytes, 0, bytes.length).unpackString())
				.withMessageContaining("is not valid UTF-8");
		}
	}

	@Test
	void validUtf8IsDecoded() throws Exception {
		String text = "caf\u00e9 \u20ac \u4e2d \ud83d\ude00";
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new byte[utf8.length + 1];
		bytes[0] = (byte) (0xa0 | utf8.length);
		System.arraycopy(utf8, 0, bytes, 1, utf8.length);
		assertThat(new BoundedUnpacker().reset(bytes, 0, bytes.length).unpackString()).isEqualTo(text);
		assertThat(BoundedUnpacker.firstInvalidUtf8(utf8, 0, utf8.length)).isEqualTo(-1);
	}

	private static byte[] hex(String hex) {
		return java.util.HexFormat.of().parseHex(hex);
	}

}
