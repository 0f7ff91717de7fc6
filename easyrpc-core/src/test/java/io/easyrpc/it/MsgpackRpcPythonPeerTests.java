package io.easyrpc.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Level;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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
		PythonPeers.require("pynvim");
		run("pynvim_client.py", server());
	}

	@Test
	void rawPythonMsgpackCallsTheServer() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.fail threw an unexpected exception");
		PythonPeers.require("msgpack");
		run("raw_client.py", server());
	}

	private RpcServer server() {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, RpcFixture.definitions(new ShopImpl()));
	}

	private void run(String script, RpcServer server) throws Exception {
		PythonPeers.run(script, server.port(), this.directory);
	}

}
