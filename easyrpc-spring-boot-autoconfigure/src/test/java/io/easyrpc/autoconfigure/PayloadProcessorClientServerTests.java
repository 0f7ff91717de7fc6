package io.easyrpc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcProcessor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Payload encryption and compression switched on by properties, between an
 * auto-configured server and client over a real socket, and within one context that is
 * both.
 */
class PayloadProcessorClientServerTests {

	private static final String KEY = Base64.getEncoder().encodeToString(bytes(32, 1));

	private static final String OTHER_KEY = Base64.getEncoder().encodeToString(bytes(32, 2));

	private static final String LARGE = "{\"line\":\"the quick brown fox jumps over the lazy dog\"}".repeat(5_000);

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(NotesService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s", "easyrpc.server.crypto.enabled=true",
				"easyrpc.server.crypto.keys.k1=" + KEY, "easyrpc.server.compression.enabled=true");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(NotesClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	@Test
	void callsWorkWithEncryptionAndCompressionOnBothSides() {
		withClient(new String[] { "easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + KEY,
				"easyrpc.client.compression.enabled=true" }, (client) -> {
					NotesClient notes = client.getBean(NotesClient.class);
					assertThat(notes.echo("hello")).isEqualTo("hello");
					assertThat(notes.echo(LARGE)).isEqualTo(LARGE);
				});
	}

	@Test
	void clientWithAnotherKeySeesUnauthenticated() {
		withClient(
				new String[] { "easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + OTHER_KEY,
						"easyrpc.client.compression.enabled=true" },
				(client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(NotesClient.class).echo("hello"))
					.satisfies((ex) -> {
						assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
						assertThat(ex.getDescription()).isEqualTo("payload failed authentication");
					}));
	}

	@Test
	void clientWithAnUnknownKeyIdSeesUnauthenticated() {
		withClient(
				new String[] { "easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k9=" + KEY,
						"easyrpc.client.compression.enabled=true" },
				(client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(NotesClient.class).echo("hello"))
					.satisfies((ex) -> {
						assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
						assertThat(ex.getDescription()).isEqualTo("unknown key id 'k9'");
					}));
	}

	@Test
	void clientWithoutEncryptionSeesUnauthenticated() {
		withClient(new String[] { "easyrpc.client.compression.enabled=true" },
				(client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(NotesClient.class).echo("hello"))
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED)));
	}

	@Test
	void contextThatIsServerAndClientGivesEachSideItsOwnBuiltInsAndBothTheApplicationsProcessors() {
		String name = "inproc-" + UUID.randomUUID();
		List<String> seen = new CopyOnWriteArrayList<>();
		this.serverRunner.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
			.withUserConfiguration(NotesClientConfiguration.class)
			.withBean(RecordingProcessor.class, () -> new RecordingProcessor(seen))
			.withPropertyValues("easyrpc.server.in-process-name=" + name,
					"easyrpc.client.targets.notes.address=inproc://" + name, "easyrpc.client.crypto.enabled=true",
					"easyrpc.client.crypto.keys.k1=" + KEY, "easyrpc.client.compression.enabled=true",
					"easyrpc.server.compression.threshold=64B", "easyrpc.client.compression.threshold=64B")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NotesClient notes = context.getBean(NotesClient.class);
				assertThat(notes.echo("hello")).isEqualTo("hello");
				assertThat(notes.echo(LARGE)).isEqualTo(LARGE);
				// the application's processor ran once on each side, in both directions,
				// and
				// saw plain payloads: the built-ins of each side ran once, outside it
				assertThat(seen).containsExactly("out REQUEST hello", "in REQUEST hello", "out RESPONSE hello",
						"in RESPONSE hello", "out REQUEST", "in REQUEST", "out RESPONSE", "in RESPONSE");
			});
	}

	private void withClient(String[] properties, ContextConsumer<AssertableApplicationContext> consumer) {
		this.serverRunner.run((server) -> {
			assertThat(server).hasNotFailed();
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.notes.address=tcp://127.0.0.1:" + port)
				.withPropertyValues(properties)
				.run((client) -> {
					assertThat(client).hasNotFailed();
					consumer.accept(client);
				});
		});
	}

	private static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed * 13 + i);
		}
		return bytes;
	}

	public interface Notes {

		String echo(String text);

	}

	@RpcClient(target = "notes")
	public interface NotesClient extends Notes {

	}

	@RpcService
	static class NotesService implements Notes {

		@Override
		public String echo(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = NotesClient.class)
	static class NotesClientConfiguration {

	}

	/**
	 * An application processor that records what it sees; it must see plain payloads,
	 * inside the built-ins.
	 */
	static class RecordingProcessor implements RpcProcessor {

		private final List<String> seen;

		RecordingProcessor(List<String> seen) {
			this.seen = seen;
		}

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			this.seen.add("out " + message.kind() + plain(payload));
			return payload;
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			this.seen.add("in " + message.kind() + plain(payload));
			return payload;
		}

		private static String plain(byte[] payload) {
			return new String(payload, StandardCharsets.ISO_8859_1).contains("hello") ? " hello" : "";
		}

	}

}
