package io.easyrpc.it;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.MessagePackExtension;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Neovim as a third-party MessagePack-RPC server ({@code nvim --headless --clean --listen
 * 127.0.0.1:PORT}), called through a typed client interface over a {@code msgpack-rpc://}
 * address. Skipped when {@code nvim} is not installed, except under CI ({@code CI=true}),
 * where it fails instead.
 */
@ExtendWith(LeakDetectionExtension.class)
class NeovimInteropTests {

	private static Process nvim;

	private static int port;

	private final BlockingQueue<List<Object>> notifications = new LinkedBlockingQueue<>();

	private RpcChannel channel;

	private Neovim neovim;

	@BeforeAll
	static void startNeovim() throws IOException {
		String executable = findOnPath("nvim");
		if (executable == null) {
			String message = "nvim is not installed (Debian package neovim): skipping the Neovim interop tests";
			if ("true".equals(System.getenv("CI"))) {
				fail(message.replace("skipping", "required under CI for"));
			}
			assumeTrue(false, message);
		}
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		nvim = new ProcessBuilder(executable, "--headless", "--clean", "--listen", "127.0.0.1:" + port)
			.redirectInput(ProcessBuilder.Redirect.PIPE)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
				return true;
			}
		});
	}

	@AfterAll
	static void stopNeovim() throws InterruptedException {
		if (nvim != null) {
			nvim.destroy();
			if (!nvim.waitFor(10, TimeUnit.SECONDS)) {
				nvim.destroyForcibly();
			}
		}
	}

	private static String findOnPath(String name) {
		String path = System.getenv("PATH");
		for (String directory : (path != null) ? path.split(File.pathSeparator) : new String[0]) {
			File candidate = new File(directory, name);
			if (candidate.isFile() && candidate.canExecute()) {
				return candidate.getPath();
			}
		}
		return null;
	}

	@BeforeEach
	void connect() {
		this.channel = RpcChannel.builder(RpcAddress.parse("msgpack-rpc://127.0.0.1:" + port))
			.msgpackRpcNotificationListener((server, method, params) -> {
				if (method.equals("ev")) {
					this.notifications.add(params);
				}
			})
			.build();
		this.neovim = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Neovim.class, Duration.ofSeconds(10)), this.channel);
	}

	@AfterEach
	void close() {
		this.channel.close();
	}

	@Test
	void evaluatesAnExpression() {
		assertThat(this.neovim.eval("1+2")).isEqualTo(3);
		assertThat(this.neovim.eval("[1, 'two', {'three': 3}]")).isEqualTo(List.of(1, "two", Map.of("three", 3)));
	}

	@Test
	void apiInfoGivesTheChannelIdAndTheApiMetadata() {
		List<Object> info = this.neovim.nvim_get_api_info();
		assertThat(info).hasSize(2);
		assertThat(info.get(0)).isInstanceOf(Number.class);
		@SuppressWarnings("unchecked")
		Map<String, Object> metadata = (Map<String, Object>) info.get(1);
		assertThat(metadata).containsKeys("version", "functions", "types");
		assertThat((List<?>) metadata.get("functions"))
			.anySatisfy((function) -> assertThat(((Map<?, ?>) function).get("name")).isEqualTo("nvim_eval"));
	}

	@Test
	void bufferLinesRoundTrip() {
		this.neovim.nvim_buf_set_lines(0, 0, -1, false, List.of("first", "second", "third"));
		assertThat(this.neovim.nvim_buf_get_lines(0, 0, -1, false)).containsExactly("first", "second", "third");
		// A buffer handle is a MessagePack extension value, and goes back as one.
		Object buffer = this.neovim.nvim_get_current_buf();
		assertThat(buffer).isInstanceOf(MessagePackExtension.class);
		this.neovim.setLines(buffer, 1, 2, true, List.of("middle"));
		assertThat(this.neovim.getLines(buffer, 0, -1, true)).containsExactly("first", "middle", "third");
	}

	@Test
	void invalidExpressionIsAnErrorWithNeovimsMessage() {
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.neovim.eval("1 +"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR))
			.withMessageContaining("E15");
		assertThat(this.neovim.eval("2*21")).isEqualTo(42);
	}

	@Test
	void notificationOfNeovimReachesTheListener() throws InterruptedException {
		this.neovim.nvim_subscribe("ev");
		this.neovim.nvim_command("call rpcnotify(0, 'ev', 1, 'two')");
		assertThat(this.notifications.poll(10, TimeUnit.SECONDS)).containsExactly(1, "two");
		this.neovim.nvim_unsubscribe("ev");
	}

	@Test
	void notificationToTheChannelItself() throws InterruptedException {
		long channelId = ((Number) this.neovim.nvim_get_api_info().get(0)).longValue();
		this.neovim.nvim_command("call rpcnotify(" + channelId + ", 'ev', {'id': " + channelId + "})");
		assertThat(this.notifications.poll(10, TimeUnit.SECONDS)).containsExactly(Map.of("id", (int) channelId));
	}

	@Test
	void requestOfNeovimIsAnsweredWithAnError() {
		long channelId = ((Number) this.neovim.nvim_get_api_info().get(0)).longValue();
		// Neovim raises the error response of this client as a Vim error, which fails
		// the command: its message is what Neovim saw.
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> this.neovim.nvim_command("call rpcrequest(" + channelId + ", 'x', 1)"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR))
			.withMessageContaining("Error invoking 'x' on channel " + channelId)
			.withMessageContaining("easyrpc client serves no requests: cannot run 'x'");
		assertThat(this.neovim.eval("1+1")).isEqualTo(2);
	}

	@Test
	void oneWayCallIsANotificationNeovimRuns() {
		this.neovim.command("let g:easyrpc_told = 'yes'");
		await()
			.untilAsserted(() -> assertThat(this.neovim.eval("get(g:, 'easyrpc_told', 'not yet')")).isEqualTo("yes"));
	}

	/** The few Neovim API functions the tests call. */
	public interface Neovim {

		@RpcMethod(name = "nvim_eval")
		Object eval(String expression);

		List<Object> nvim_get_api_info();

		void nvim_buf_set_lines(long buffer, long start, long end, boolean strictIndexing, List<String> replacement);

		List<String> nvim_buf_get_lines(long buffer, long start, long end, boolean strictIndexing);

		@RpcMethod(name = "nvim_buf_set_lines")
		void setLines(Object buffer, long start, long end, boolean strictIndexing, List<String> replacement);

		@RpcMethod(name = "nvim_buf_get_lines")
		List<String> getLines(Object buffer, long start, long end, boolean strictIndexing);

		Object nvim_get_current_buf();

		void nvim_subscribe(String event);

		void nvim_unsubscribe(String event);

		void nvim_command(String command);

		@RpcMethod(name = "nvim_command", oneWay = true)
		void command(String command);

	}

}
