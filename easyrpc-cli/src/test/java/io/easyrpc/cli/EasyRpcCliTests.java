package io.easyrpc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.it.TestPki;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code easyrpc} command run in process against servers over TCP: plain, with TLS
 * and with a shared secret.
 */
class EasyRpcCliTests {

	private static final String SECRET = "cli-secret-42";

	private final List<RpcServer> servers = new CopyOnWriteArrayList<>();

	private final InventoryService inventory = new InventoryService();

	@AfterEach
	void stop() {
		this.servers.forEach((server) -> server.stop(Duration.ZERO));
	}

	private String server(Consumer<RpcServer.Builder> customizer) {
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(this.inventory).build());
		RpcServer.Builder builder = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec);
		customizer.accept(builder);
		RpcServer server = builder.build();
		this.servers.add(server);
		server.start();
		return "127.0.0.1:" + server.port();
	}

	private String server() {
		return server((builder) -> {
		});
	}

	private static Result run(Map<String, String> environment, String... args) {
		CommandLine commandLine = EasyRpcCli.commandLine(environment);
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		commandLine.setOut(new PrintWriter(out));
		commandLine.setErr(new PrintWriter(err));
		int code = commandLine.execute(args);
		return new Result(code, out.toString(), err.toString());
	}

	private static Result run(String... args) {
		return run(Map.of(), args);
	}

	@Test
	void callPrintsTheResultAsPrettyJson() {
		Result result = run("call", server(), "Inventory.find", "\"apple\"");
		assertThat(result.code()).isZero();
		assertThat(result.err()).isEmpty();
		assertThat(result.out()).contains("\"sku\" : \"apple\"").contains("\"count\" : 5").contains("\n");
	}

	@Test
	void callTakesAnyJsonValues() {
		Result result = run("call", server(), "Inventory.restock", "\"pear\"", "3", "[\"x\",\"y\"]", "{\"note\":true}");
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(result.out()).contains("\"count\" : 8").contains("\"tags\" : [ \"x\", \"y\" ]");
	}

	@Test
	void namedArgumentsGoByParameterName() {
		Result result = run("call", server(), "Inventory.restock", "--named",
				"{\"amount\":2,\"sku\":\"kiwi\",\"tags\":[]}");
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(result.out()).contains("\"sku\" : \"kiwi\"").contains("\"count\" : 7");
	}

	@Test
	void unknownMethodExitsWithTheNotFoundCode() {
		Result result = run("call", server(), "Inventory.nothing");
		assertThat(result.code()).isEqualTo(ExitCodes.of(RpcStatus.NOT_FOUND)).isEqualTo(69);
		assertThat(result.err()).startsWith("NOT_FOUND: ").contains("Inventory.nothing");
		assertThat(result.out()).isEmpty();
	}

	@Test
	void applicationFailureIsReportedWithItsStatus() {
		Result result = run("call", server(), "Inventory.fail", "\"out of stock\"");
		assertThat(result.code()).isEqualTo(ExitCodes.of(RpcStatus.APPLICATION_ERROR));
		assertThat(result.err()).startsWith("APPLICATION_ERROR: ").contains("out of stock");
	}

	@Test
	void badJsonArgumentIsAUsageError() {
		Result result = run("call", server(), "Inventory.find", "apple");
		assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
		assertThat(result.err()).contains("Argument 1 is not valid JSON: apple")
			.contains("strings need quotes, e.g. '\"apple\"'");
	}

	@Test
	void validationRefusesBeforeSending() {
		Result result = run("call", "--validate", server(), "Inventory.restock", "\"pear\"", "\"three\"", "[]", "{}");
		assertThat(result.code()).isEqualTo(ExitCodes.of(RpcStatus.INVALID_ARGUMENT));
		assertThat(result.err()).isEqualTo(
				"INVALID_ARGUMENT: Invalid arguments for Inventory.restock: argument 'amount' (int) must be an integer, got a string"
						+ System.lineSeparator());
		assertThat(this.inventory.calls).isEmpty();
	}

	@Test
	void notifyReturnsOnceTheServerHasTheNotification() {
		Result result = run("call", "--notify", server(), "Inventory.log", "\"hello\"");
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(result.out()).isEmpty();
		assertThat(this.inventory.calls).contains("log hello");
	}

	@Test
	void timeoutEndsASlowCall() {
		Result result = run("call", "--timeout", "200ms", server(), "Inventory.slow");
		assertThat(result.code()).isEqualTo(ExitCodes.of(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(result.err()).startsWith("DEADLINE_EXCEEDED: ");
		this.inventory.release();
	}

	@Test
	void listAndDescribeUseReflection() {
		String address = server();
		Result list = run("list", address);
		assertThat(list.code()).isZero();
		assertThat(list.out().lines()).contains("Inventory", "easyrpc/Reflection");
		Result methods = run("list", address, "Inventory");
		assertThat(methods.out().lines()).contains("Inventory.find", "Inventory.restock");
		Result method = run("describe", address, "Inventory.restock");
		assertThat(method.code()).isZero();
		assertThat(method.out())
			.contains("restock(java.lang.String sku, int amount, java.util.List<java.lang.String> tags, "
					+ "java.util.Map<java.lang.String, java.lang.Object> note)");
		Result json = run("describe", "--json", address, "Inventory");
		assertThat(json.out()).contains("\"key\" : \"Inventory.find\"");
		Result missing = run("describe", address, "Nothing");
		assertThat(missing.code()).isEqualTo(69);
		assertThat(missing.err()).startsWith("NOT_FOUND: No service or method 'Nothing'");
	}

	@Test
	void unreachableServerIsUnavailable() {
		String address = server();
		stop();
		Result result = run("call", "--connect-timeout", "2s", address, "Inventory.find", "\"a\"");
		assertThat(result.code()).isEqualTo(ExitCodes.of(RpcStatus.UNAVAILABLE));
		assertThat(result.err()).startsWith("UNAVAILABLE: ");
	}

	@Test
	void tlsWithTheServersAuthority(@TempDir Path directory) throws Exception {
		TestPki pki = TestPki.create("cli");
		pki.writePem(directory);
		String address = server((builder) -> builder.sslContext(pki.serverContext()));
		Result trusted = run("call", "--ca-cert", directory.resolve("ca.crt").toString(), address, "Inventory.find",
				"\"tls\"");
		assertThat(trusted.code()).as(trusted.err()).isZero();
		assertThat(trusted.out()).contains("\"sku\" : \"tls\"");
		Result named = run("call", "--tls", "--ca-cert", directory.resolve("ca.crt").toString(), "--server-name",
				"localhost", address.replace("127.0.0.1", "localhost"), "Inventory.find", "\"sni\"");
		assertThat(named.code()).as(named.err()).isZero();
		Result insecure = run("call", "--insecure", address, "Inventory.find", "\"any\"");
		assertThat(insecure.code()).as(insecure.err()).isZero();
		Result untrusted = run("call", "--tls", address, "Inventory.find", "\"jdk\"");
		assertThat(untrusted.code()).isEqualTo(ExitCodes.of(RpcStatus.UNAVAILABLE));
		assertThat(untrusted.err()).startsWith("UNAVAILABLE: ").contains("TLS handshake");
	}

	@Test
	void sharedSecretFromOptionFileOrEnvironment(@TempDir Path directory) throws Exception {
		String address = server((builder) -> builder.sharedSecret(SECRET));
		Result missing = run("call", address, "Inventory.find", "\"a\"");
		assertThat(missing.code()).isEqualTo(ExitCodes.of(RpcStatus.UNAUTHENTICATED));
		assertThat(missing.err()).startsWith("UNAUTHENTICATED: ");
		Result wrong = run("call", "--secret", "nope", address, "Inventory.find", "\"a\"");
		assertThat(wrong.code()).isEqualTo(80);
		Result option = run("call", "--secret", SECRET, address, "Inventory.find", "\"a\"");
		assertThat(option.code()).as(option.err()).isZero();
		Path file = directory.resolve("secret");
		Files.writeString(file, SECRET + "\n");
		Result fromFile = run("call", "--secret-file", file.toString(), address, "Inventory.find", "\"b\"");
		assertThat(fromFile.code()).as(fromFile.err()).isZero();
		Result fromEnvironment = run(Map.of(ConnectionOptions.SECRET_VARIABLE, SECRET), "list", address);
		assertThat(fromEnvironment.code()).as(fromEnvironment.err()).isZero();
		assertThat(fromEnvironment.out()).contains("Inventory");
	}

	@Test
	void missingArgumentsAreUsageErrors() {
		assertThat(run("call").code()).isEqualTo(ExitCodes.USAGE);
		assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
		Result both = run("call", server(), "Inventory.find", "\"a\"", "--named", "{}");
		assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
		assertThat(both.err()).contains("either by position or with --named");
	}

	record Result(int code, String out, String err) {
	}

	/**
	 * An item in stock.
	 *
	 * @param sku the stock keeping unit
	 * @param count how many there are
	 * @param tags its tags
	 */
	public record Item(String sku, int count, List<String> tags) {
	}

	/**
	 * The service the tests call.
	 */
	public interface Inventory {

		Item find(String sku);

		Item restock(String sku, int amount, List<String> tags, Map<String, Object> note);

		void fail(String message);

		String slow();

		void log(String line);

	}

	static final class InventoryService implements Inventory {

		final List<String> calls = new CopyOnWriteArrayList<>();

		private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

		@Override
		public Item find(String sku) {
			this.calls.add("find " + sku);
			return new Item(sku, 5, List.of());
		}

		@Override
		public Item restock(String sku, int amount, List<String> tags, Map<String, Object> note) {
			this.calls.add("restock " + sku);
			return new Item(sku, 5 + amount, tags);
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public String slow() {
			try {
				this.gate.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "late";
		}

		@Override
		public void log(String line) {
			this.calls.add("log " + line);
		}

		void release() {
			this.gate.countDown();
		}

	}

}
