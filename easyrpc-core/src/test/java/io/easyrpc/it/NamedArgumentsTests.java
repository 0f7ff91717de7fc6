package io.easyrpc.it;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.easyrpc.RpcMethod;
import io.easyrpc.RpcMethodLookup;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link RpcMethod#namedArguments()}: a typed client that sends its arguments by name, so
 * that a client interface may declare the parameters in another order than the service.
 */
@ExtendWith(LeakDetectionExtension.class)
class NamedArgumentsTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	private <T> T client(Class<T> type, RpcChannel channel) {
		return this.rpc.client(new ClientDefinition(type, "Transfers", null, RpcFixture.TIMEOUT,
				(method) -> ClientMethodOptions.annotated(method, RpcMethodLookup.standard())), channel);
	}

	@Test
	void namedArgumentsReachTheParametersOfTheSameName() throws Exception {
		RpcServer server = this.rpc.tcpServer(new TransferService());
		ReorderedClient client = client(ReorderedClient.class, this.rpc.channel(server));
		assertThat(client.transfer(25, "bob", "ada")).isEqualTo("ada -> bob: 25");
		assertThat(client.transferAsync(7, "cy", "bo").get(10, TimeUnit.SECONDS)).isEqualTo("bo -> cy: 7");
	}

	@Test
	void positionalArgumentsOfTheSameClientGoByPosition() {
		RpcServer server = this.rpc.tcpServer(new TransferService());
		ReorderedClient client = client(ReorderedClient.class, this.rpc.channel(server));
		assertThat(client.positional("ada", "bob", 3)).isEqualTo("ada -> bob: 3");
	}

	@Test
	void annotationSetsTheOption() throws Exception {
		assertThat(ClientMethodOptions
			.annotated(ReorderedClient.class.getMethod("transfer", int.class, String.class, String.class),
					RpcMethodLookup.standard())
			.namedArguments()).isTrue();
		assertThat(ClientMethodOptions
			.annotated(ReorderedClient.class.getMethod("positional", String.class, String.class, int.class),
					RpcMethodLookup.standard())
			.namedArguments()).isFalse();
	}

	@Test
	void withoutParameterNamesTheProxyIsRefused(@TempDir Path directory) throws Exception {
		Path source = directory.resolve("NoNames.java");
		Files.writeString(source, """
				public interface NoNames {
					@io.easyrpc.RpcMethod(namedArguments = true)
					String transfer(String from, String to, int amount);
				}
				""");
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int status = compiler.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
				directory.toString(), source.toString());
		assertThat(status).isZero();
		try (URLClassLoader loader = new URLClassLoader(new URL[] { directory.toUri().toURL() },
				getClass().getClassLoader())) {
			Class<?> type = loader.loadClass("NoNames");
			RpcServer server = this.rpc.tcpServer(new TransferService());
			RpcChannel channel = this.rpc.channel(server);
			assertThatIllegalStateException().isThrownBy(() -> client(type, channel))
				.withMessageContaining("NoNames.transfer")
				.withMessageContaining("compiled without parameter names")
				.withMessageContaining("-parameters");
		}
	}

	/**
	 * The service's declaration.
	 */
	public interface Transfers {

		String transfer(String from, String to, int amount);

		String positional(String from, String to, int amount);

		List<String> history();

	}

	/**
	 * A client that declares the parameters in another order.
	 */
	public interface ReorderedClient {

		@RpcMethod(namedArguments = true)
		String transfer(int amount, String to, String from);

		@RpcMethod(name = "transfer", namedArguments = true)
		CompletableFuture<String> transferAsync(int amount, String to, String from);

		String positional(String from, String to, int amount);

	}

	static final class TransferService implements Transfers {

		@Override
		public String transfer(String from, String to, int amount) {
			return from + " -> " + to + ": " + amount;
		}

		@Override
		public String positional(String from, String to, int amount) {
			return transfer(from, to, amount);
		}

		@Override
		public List<String> history() {
			return List.of();
		}

	}

}
