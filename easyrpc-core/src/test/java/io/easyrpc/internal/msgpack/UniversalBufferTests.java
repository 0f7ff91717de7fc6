package io.easyrpc.internal.msgpack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.easyrpc.codec.ObjectCodec;
import org.junit.jupiter.api.Test;
import org.msgpack.core.buffer.MessageBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh JVM that uses the codec prints no {@code sun.misc.Unsafe} warning: from Java 24
 * on, msgpack-core's universal buffer is selected unless the application chose.
 */
class UniversalBufferTests {

	private static final boolean WARNING_RELEASE = Runtime.version().feature() >= UniversalBuffer.FIRST_WARNING_RELEASE;

	@Test
	void aFreshJvmPrintsNoUnsafeWarning() throws Exception {
		String output = run();
		assertThat(output).doesNotContain("sun.misc.Unsafe").contains("decoded=hello");
		assertThat(output).contains("buffer=" + (WARNING_RELEASE ? "MessageBufferU" : "MessageBuffer") + "\n");
	}

	@Test
	void anApplicationsOwnChoiceIsKept() throws Exception {
		String output = run("-D" + UniversalBuffer.PROPERTY + "=false");
		assertThat(output).contains("decoded=hello").contains("buffer=MessageBuffer\n");
	}

	private static String run(String... options) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of(options));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] bytes = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String output = new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	/**
	 * Encodes and decodes a value with the default codec, then names the buffer class
	 * msgpack-core chose.
	 */
	public static final class Main {

		private Main() {
		}

		public static void main(String[] args) {
			ObjectCodec codec = ObjectCodec.createDefault();
			byte[] bytes = codec.encode("hello", codec.valueType(String.class));
			System.out.println("decoded=" + codec.decode(bytes, codec.valueType(String.class)));
			System.out.println("buffer=" + MessageBuffer.wrap(new byte[1]).getClass().getSimpleName());
		}

	}

}
