package io.easyrpc.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.easyrpc.RpcException;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.Account;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.BankClient;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.BankClientConfiguration;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.BankErrorHandlers;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.BankService;
import io.easyrpc.autoconfigure.EasyRpcClientServerTests.Receipt;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.MessagePackMapper;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.databind.PropertyNamingStrategies;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JSON codec in auto-configured applications: a target with {@code codec: json}, the
 * server's JSON connections, and the application's Jackson configuration on the JSON
 * mapper.
 */
class EasyRpcJsonCodecTests {

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(BankService.class)
		.withBean(BankErrorHandlers.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(BankClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	private final ApplicationContextRunner codecRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class));

	@Test
	void whenTargetCodecIsJsonThenArgumentsTravelAsJsonText() {
		List<String> received = new CopyOnWriteArrayList<>();
		this.serverRunner.withBean(RecordingProcessor.class, () -> new RecordingProcessor(received)).run((server) -> {
			assertThat(server.getBean(RpcServer.class).jsonCodec()).isInstanceOf(JsonObjectCodec.class);
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port,
						"easyrpc.client.targets.bank.codec=json")
				.run((client) -> {
					assertThat(client).hasNotFailed();
					BankClient bank = client.getBean(BankClient.class);
					assertThat(bank.hello("Ada")).isEqualTo("Hello, Ada");
					assertThat(bank.open(new Account("ada", 100))).isEqualTo(new Receipt("ada", 100, "opened"));
				});
		});
		// Each argument is a str holding JSON text: the string with its quotes.
		assertThat(received).containsExactly("\"Ada\"", "{\"owner\":\"ada\",\"amount\":100}");
	}

	@Test
	void whenTargetCodecIsNotSetThenArgumentsTravelAsMessagePack() {
		List<String> received = new CopyOnWriteArrayList<>();
		this.serverRunner.withBean(RecordingProcessor.class, () -> new RecordingProcessor(received)).run((server) -> {
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port)
				.run((client) -> assertThat(client.getBean(BankClient.class).hello("Ada")).isEqualTo("Hello, Ada"));
		});
		assertThat(received).containsExactly("Ada");
	}

	@Test
	void whenServerDisablesTheJsonCodecThenAJsonTargetFailsToConnect() {
		this.serverRunner.withPropertyValues("easyrpc.server.json-codec.enabled=false").run((server) -> {
			assertThat(server.getBean(RpcServer.class).jsonCodec()).isNull();
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port,
						"easyrpc.client.targets.bank.codec=json")
				.run((client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(BankClient.class).hello("Ada"))
					.withMessageContaining("does not accept the JSON codec"));
		});
	}

	@Test
	void whenNamingStrategyIsConfiguredThenBothCodecsUseIt() {
		this.codecRunner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			JsonObjectCodec json = context.getBean(EasyRpcCodecAutoConfiguration.JsonCodecHolder.class).codec();
			assertThat(json.format()).isEqualTo(CodecFormat.JSON);
			assertThat(jsonText(json, new Receipt("ada", 1, "opened")))
				.isEqualTo("{\"owner\":\"ada\",\"amount\":1,\"status\":\"opened\"}");
			assertThat(jsonText(json, new Snake("x", 2))).isEqualTo("{\"first_name\":\"x\",\"item_count\":2}");
			ObjectCodec messagePack = context.getBean(ObjectCodec.class);
			assertThat(messagePack.format()).isEqualTo(CodecFormat.MSGPACK);
			byte[] packed = messagePack.encode(new Snake("x", 2), messagePack.valueType(Snake.class));
			assertThat(new MessagePackMapper().readValue(packed, java.util.Map.class)).containsOnlyKeys("first_name",
					"item_count");
		});
	}

	@Test
	void whenJsonCodecMapperCustomizerIsDefinedThenItAppliesToTheJsonCodecOnly() {
		this.codecRunner
			.withBean(JsonCodecMapperCustomizer.class,
					() -> (builder) -> builder.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE))
			.run((context) -> {
				assertThat(context).hasSingleBean(ObjectCodec.class);
				JsonObjectCodec json = context.getBean(EasyRpcCodecAutoConfiguration.JsonCodecHolder.class).codec();
				assertThat(jsonText(json, new Snake("x", 2))).isEqualTo("{\"first-name\":\"x\",\"item-count\":2}");
			});
	}

	private static String jsonText(JsonObjectCodec codec, Object value) throws IOException {
		try (MessageUnpacker unpacker = MessagePack
			.newDefaultUnpacker(codec.encode(value, codec.valueType(value.getClass())))) {
			return unpacker.unpackString();
		}
	}

	public record Snake(String firstName, int itemCount) {
	}

	/**
	 * Records the arguments of the requests a server receives, as they are on the wire.
	 */
	record RecordingProcessor(List<String> received) implements RpcProcessor {

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			return payload;
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			if (message.kind() == MessageInfo.Kind.REQUEST) {
				this.received.add(describe(payload));
			}
			return payload;
		}

		// Each argument: the content of a str, else the value as JSON.
		private static String describe(byte[] payload) {
			try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(payload)) {
				int count = unpacker.unpackArrayHeader();
				StringBuilder arguments = new StringBuilder();
				for (int i = 0; i < count; i++) {
					org.msgpack.value.Value value = unpacker.unpackValue();
					arguments.append((i > 0) ? " " : "")
						.append(value.isStringValue() ? value.asStringValue().asString() : value.toJson());
				}
				return arguments.toString();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
