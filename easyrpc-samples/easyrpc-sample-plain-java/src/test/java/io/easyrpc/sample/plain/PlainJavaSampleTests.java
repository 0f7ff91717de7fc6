package io.easyrpc.sample.plain;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlainJavaSampleTests {

	@Test
	void serverAndClientTalkOverLoopback() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
			PlainJavaSample.run(out);
		}
		assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(5)
			.satisfies((lines) -> assertThat(lines.get(0)).matches("Server listening on port [1-9][0-9]*"))
			.contains("hello(\"Ada\")           -> Hello, Ada!", "letters(\"easy rpc\")    -> 7 (asynchronous)",
					"note(...) twice        -> sent one-way, no response awaited",
					"notes()                -> [first, second]");
	}

}
