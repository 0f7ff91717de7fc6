package io.easyrpc.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the Python MessagePack-RPC peer scripts of {@code src/test/resources/msgpack-rpc}
 * against a server, for the engine's tests and the auto-configuration's alike.
 */
public final class PythonPeers {

	private static final String PYTHON = "/usr/bin/python3";

	private static final long TIMEOUT_SECONDS = 120;

	private PythonPeers() {
	}

	/**
	 * Require the Debian python3 with a module: a missing peer skips the test locally and
	 * fails it under CI ({@code CI=true}), where it must be there.
	 * @param module the Python module, {@code pynvim} or {@code msgpack}
	 * @throws IOException if the probe cannot start
	 * @throws InterruptedException if interrupted while probing
	 */
	public static void require(String module) throws IOException, InterruptedException {
		boolean present = Files.isExecutable(Path.of(PYTHON));
		if (present) {
			Process probe = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
			present = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
			if (probe.isAlive()) {
				probe.destroyForcibly();
			}
		}
		String message = PYTHON + " with the module " + module
				+ " is missing (Debian packages python3-pynvim, python3-msgpack)";
		if (!present && "true".equals(System.getenv("CI"))) {
			fail(message + "; CI must have it");
		}
		assumeTrue(present, message + "; test skipped");
	}

	/**
	 * Run one script against a server on the loopback address and assert that it passed:
	 * exit code 0 and its {@code OK} line, within two minutes.
	 * @param script the script's file name under {@code msgpack-rpc/}
	 * @param port the server's port
	 * @param directory a directory for the script and its output
	 * @throws IOException if the script cannot be copied or started
	 * @throws InterruptedException if interrupted while it runs
	 */
	public static void run(String script, int port, Path directory) throws IOException, InterruptedException {
		Path file = directory.resolve(script);
		try (InputStream in = PythonPeers.class.getResourceAsStream("/msgpack-rpc/" + script)) {
			assertThat(in).as(script).isNotNull();
			Files.copy(in, file);
		}
		Path output = directory.resolve(script + ".out");
		Process process = new ProcessBuilder(PYTHON, file.toString(), "127.0.0.1", String.valueOf(port))
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly();
		}
		String printed = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(exited).as("%s finished within %d s; it printed:%n%s", script, TIMEOUT_SECONDS, printed).isTrue();
		assertThat(process.exitValue()).as("exit code of %s; it printed:%n%s", script, printed).isZero();
		assertThat(printed).contains("OK");
	}

}
