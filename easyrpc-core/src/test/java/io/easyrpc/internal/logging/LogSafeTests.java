package io.easyrpc.internal.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogSafeTests {

	@Test
	void plainTextIsReturnedAsItIs() {
		String text = "Shop.price caf\u00e9 \u4e2d";
		assertThat(LogSafe.text(text)).isSameAs(text);
	}

	@Test
	void controlCharactersAreEscaped() {
		assertThat(LogSafe.text("a\nWARN forged\r\tb\\c\u001b[31m\u007f\u0085\u2028\u202e"))
			.isEqualTo("a\\nWARN forged\\r\\tb\\\\c\\u001b[31m\\u007f\\u0085\\u2028\\u202e");
	}

	@Test
	void longTextIsCappedWithTheCountOfWhatWasLeftOut() {
		String text = "x".repeat(500);
		assertThat(LogSafe.text(text)).isEqualTo("x".repeat(LogSafe.MAX_LENGTH) + "\u2026(380 more)");
	}

	@Test
	void escapesCountTowardsTheCap() {
		String result = LogSafe.text("\n".repeat(200));
		assertThat(result).startsWith("\\n\\n").endsWith("\u2026(140 more)");
		assertThat(result).doesNotContain("\n");
	}

	@Test
	void nullIsWrittenAsNull() {
		assertThat(LogSafe.text(null)).isEqualTo("null");
	}

}
