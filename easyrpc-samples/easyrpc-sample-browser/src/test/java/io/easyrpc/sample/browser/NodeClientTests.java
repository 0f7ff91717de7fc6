package io.easyrpc.sample.browser;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Node.js unit tests of the client module ({@code src/test/js/easyrpc.test.mjs},
 * with {@code node --test}) as part of the Maven build. Without {@code node} on the path
 * the test is skipped, except under CI ({@code CI=true}), where it fails.
 */
class NodeClientTests {

	private static final Path TESTS = Path.of("src", "test", "js", "easyrpc.test.mjs");

	@Test
	void clientModulePassesItsNodeTests() throws Exception {
		String node = findNode();
		if (node == null) {
			String message = "node (Node.js 20 or later) is not on the PATH; the client's Node.js tests did not run";
			if ("true".equals(System.getenv("CI"))) {
				throw new AssertionError(message);
			}
			Assumptions.abort(message);
		}
		assertThat(TESTS).isRegularFile();
		Path log = Files.createTempFile("easyrpc-node-test", ".log");
		try {
			Process process = new ProcessBuilder(node, "--test", TESTS.toString()).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			boolean exited = process.waitFor(5, TimeUnit.MINUTES);
			if (!exited) {
				process.destroyForcibly();
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			assertThat(exited).as("node --test finished; output:%n%s", output).isTrue();
			assertThat(process.exitValue()).as("exit code of node --test; output:%n%s", output).isZero();
			assertThat(output).as("node --test output").contains("# fail 0").doesNotContain("# pass 0");
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private static String findNode() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, "node");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

}
