package io.easyrpc.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MessagePack-RPC peers that nobody here wrote call a plain {@link RpcServer}: pynvim's
 * generic MessagePack-RPC client, and python3-msgpack over a raw socket. The peers are
 * the Debian packages {@code python3-pynvim} and {@code python3-msgpack}; without them
 * the tests are skipped, except under CI ({@code CI=true}), where they must be there.
 */
class MsgpackRpcPythonPeerTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs()
		.tolerate("io.easyrpc.internal.server.ServerConnection", Level.WARN, "to unknown method 'nvim_set_client_info'")
		.tolerate("io.easyrpc.internal.server.ServerConnection", Level.WARN, "Malformed MessagePack-RPC message");

	private static final String PYTHON = "/usr/bin/python3";

	private static final long TIMEOUT_SECONDS = 120;

	private final RpcFixture rpc = new RpcFixture();

	@TempDir
	Path directory;

	@AfterEach
	void close() {
		this.rpc.close();
	}

	public interface Shop {

		int add(int a, int b);

		String greet(String name, String greeting);

		void fail(String message);

		void record(String item);

		List<String> recorded();

	}

	static class ShopImpl implements Shop {

		private final Queue<String> recorded = new ConcurrentLinkedQueue<>();

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public String greet(String name, String greeting) {
			return greeting + ", " + name;
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public void record(String item) {
			this.recorded.add(item);
		}

		@Override
		public List<String> recorded() {
			return List.copyOf(this.recorded);
		}

	}

	@Test
	void pynvimCallsTheServer() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.fail threw an unexpected exception");
		requirePython("pynvim");
		run("pynvim_client.py", server());
	}

	@Test
	void rawPythonMsgpackCallsTheServer() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.fail threw an unexpected exception");
		requirePython("msgpack");
		run("raw_client.py", server());
	}

	private RpcServer server() {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, RpcFixture.definitions(new ShopImpl()));
	}

	private void run(String script, RpcServer server) throws Exception {
		Path file = this.directory.resolve(script);
		try (InputStream in = getClass().getResourceAsStream("/msgpack-rpc/" + script)) {
			assertThat(in).as(script).isNotNull();
			Files.copy(in, file);
		}
		Path output = this.directory.resolve(script + ".out");
		Process process = new ProcessBuilder(PYTHON, file.toString(), "127.0.0.1", String.valueOf(server.port()))
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

	// A missing peer skips the test locally and fails it under CI.
	private static void requirePython(String module) throws IOException, InterruptedException {
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

}
