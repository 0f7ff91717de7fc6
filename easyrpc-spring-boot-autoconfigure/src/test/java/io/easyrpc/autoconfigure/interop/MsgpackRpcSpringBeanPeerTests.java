package io.easyrpc.autoconfigure.interop;

import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.it.PythonPeers;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Third-party MessagePack-RPC peers call an {@code @RpcService} Spring bean of an
 * auto-configured server on its easyrpc port: pynvim's generic client (Debian
 * {@code python3-pynvim}) and python3-msgpack over a raw socket, running the same scripts
 * as the engine's tests against a plain server. Without the packages the tests are
 * skipped, except under CI ({@code CI=true}), where they must be there.
 */
class MsgpackRpcSpringBeanPeerTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs()
		.tolerate("io.easyrpc.internal.server.ServerConnection", Level.WARN, "to unknown method 'nvim_set_client_info'")
		.tolerate("io.easyrpc.internal.server.ServerConnection", Level.WARN, "Malformed MessagePack-RPC message");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(ShopService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0");

	@TempDir
	Path directory;

	@Test
	void pynvimCallsASpringBean() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.fail threw an unexpected exception");
		PythonPeers.require("pynvim");
		runAgainstServer("pynvim_client.py");
	}

	@Test
	void rawPythonMsgpackCallsASpringBean() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.fail threw an unexpected exception");
		PythonPeers.require("msgpack");
		runAgainstServer("raw_client.py");
	}

	private void runAgainstServer(String script) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			String port = context.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			PythonPeers.run(script, Integer.parseInt(port), this.directory);
		});
	}

	public interface Shop {

		int add(int a, int b);

		String greet(String name, String greeting);

		void fail(String message);

		void record(String item);

		List<String> recorded();

	}

	@RpcService(name = "Shop")
	static class ShopService implements Shop {

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

}
