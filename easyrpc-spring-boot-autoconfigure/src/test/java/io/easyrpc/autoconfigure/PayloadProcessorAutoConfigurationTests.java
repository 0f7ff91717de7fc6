package io.easyrpc.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.PayloadCompression;
import io.easyrpc.middleware.PayloadEncryption;
import io.easyrpc.middleware.RpcProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the built-in payload processors that {@code easyrpc.server.crypto.*},
 * {@code easyrpc.server.compression.*} and the same under {@code easyrpc.client} switch
 * on.
 */
class PayloadProcessorAutoConfigurationTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private static final String KEY_1 = Base64.getEncoder().encodeToString(new byte[32]);

	private static final String KEY_2 = Base64.getEncoder().encodeToString(new byte[16]);

	private static final String SERVER = EasyRpcServerAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME;

	private static final String CLIENT = EasyRpcClientAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.enabled=true", "easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void byDefaultNoBuiltInProcessorIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(server(context).compression()).isNull();
			assertThat(server(context).encryption()).isNull();
			assertThat(server(context).processors()).isEmpty();
			assertThat(client(context).compression()).isNull();
			assertThat(client(context).encryption()).isNull();
			assertThat(client(context).processors()).isEmpty();
		});
	}

	@Test
	void serverCryptoPropertiesConfigureTheServersEncryption() {
		this.runner
			.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.old=" + KEY_1,
					"easyrpc.server.crypto.keys.new=" + KEY_2, "easyrpc.server.crypto.key-id=new",
					"easyrpc.server.crypto.max-skew=10s", "easyrpc.server.crypto.replay-cache-size=5000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PayloadEncryption encryption = server(context).encryption();
				assertThat(encryption.keyIds()).containsExactly("old", "new");
				assertThat(encryption.sendingKeyId()).isEqualTo("new");
				assertThat(encryption.maxSkew()).isEqualTo(Duration.ofSeconds(10));
				assertThat(encryption.replayCacheSize()).isEqualTo(5000);
				assertThat(client(context).encryption()).isNull();
			});
	}

	@Test
	void clientCryptoPropertiesConfigureTheClientsEncryption() {
		this.runner
			.withPropertyValues("easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + KEY_1,
					"easyrpc.client.crypto.keys.k2=" + KEY_2, "easyrpc.client.crypto.key-id=k1",
					"easyrpc.client.crypto.max-skew=1m", "easyrpc.client.crypto.replay-cache-size=7")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PayloadEncryption encryption = client(context).encryption();
				assertThat(encryption.keyIds()).containsExactly("k1", "k2");
				assertThat(encryption.sendingKeyId()).isEqualTo("k1");
				assertThat(encryption.maxSkew()).isEqualTo(Duration.ofMinutes(1));
				assertThat(encryption.replayCacheSize()).isEqualTo(7);
				assertThat(server(context).encryption()).isNull();
			});
	}

	@Test
	void cryptoDefaultsApplyWhenOnlyKeysAreSet() {
		this.runner.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.only=" + KEY_1)
			.run((context) -> {
				PayloadEncryption encryption = server(context).encryption();
				assertThat(encryption.sendingKeyId()).isEqualTo("only");
				assertThat(encryption.maxSkew()).isEqualTo(Duration.ofSeconds(30));
				assertThat(encryption.replayCacheSize()).isEqualTo(100_000);
			});
	}

	@Test
	void cryptoKeysWithoutEnabledConfigureNothing() {
		this.runner
			.withPropertyValues("easyrpc.server.crypto.keys.k1=" + KEY_1, "easyrpc.client.crypto.keys.k1=" + KEY_1)
			.run((context) -> {
				assertThat(server(context).encryption()).isNull();
				assertThat(client(context).encryption()).isNull();
			});
	}

	@Test
	void compressionPropertiesConfigureEachSide() {
		this.runner
			.withPropertyValues("easyrpc.server.compression.enabled=true", "easyrpc.server.compression.threshold=2KB",
					"easyrpc.server.max-frame-size=1MB", "easyrpc.client.compression.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PayloadCompression onServer = server(context).compression();
				assertThat(onServer.threshold()).isEqualTo(2048);
				assertThat(onServer.maxInflatedSize()).isEqualTo(1024 * 1024);
				PayloadCompression onClient = client(context).compression();
				assertThat(onClient.threshold()).isEqualTo(1024);
				assertThat(onClient.maxInflatedSize()).isEqualTo(8 * 1024 * 1024);
			});
	}

	@Test
	void clientCompressionThresholdIsBound() {
		this.runner
			.withPropertyValues("easyrpc.client.compression.enabled=true", "easyrpc.client.compression.threshold=100B",
					"easyrpc.client.max-frame-size=2MB")
			.run((context) -> {
				PayloadCompression onClient = client(context).compression();
				assertThat(onClient.threshold()).isEqualTo(100);
				assertThat(onClient.maxInflatedSize()).isEqualTo(2 * 1024 * 1024);
				assertThat(server(context).compression()).isNull();
			});
	}

	@Test
	void builtInsAreNotSeenByLookupsOfProcessorBeans() {
		this.runner.withBean("userProcessor", RpcProcessor.class, UserProcessor::new)
			.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.k1=" + KEY_1,
					"easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + KEY_1,
					"easyrpc.server.compression.enabled=true", "easyrpc.client.compression.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<RpcProcessor> processors = context.getBeanProvider(RpcProcessor.class).orderedStream().toList();
				assertThat(processors).singleElement().isInstanceOf(UserProcessor.class);
				assertThat(context.getBeansOfType(RpcProcessor.class)).containsOnlyKeys("userProcessor");
				assertThat(server(context).processors()).containsExactly(server(context).compression(),
						server(context).encryption());
				assertThat(client(context).processors()).containsExactly(client(context).compression(),
						client(context).encryption());
				assertThat(client(context).encryption()).isNotSameAs(server(context).encryption());
				assertThat(client(context).compression()).isNotSameAs(server(context).compression());
			});
	}

	@Test
	void serverBuiltInsNeedTheServer() {
		this.runner
			.withPropertyValues("easyrpc.server.enabled=false", "easyrpc.server.crypto.enabled=true",
					"easyrpc.server.crypto.keys.k1=" + KEY_1, "easyrpc.server.compression.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SERVER);
			});
	}

	@Test
	void clientBuiltInsNeedTheClients() {
		this.runner
			.withPropertyValues("easyrpc.client.enabled=false", "easyrpc.client.crypto.enabled=true",
					"easyrpc.client.crypto.keys.k1=" + KEY_1, "easyrpc.client.compression.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(CLIENT);
			});
	}

	@Test
	void userDefinedBeanReplacesTheBuiltIns() {
		this.runner.withBean(SERVER, PayloadProcessors.class, () -> new PayloadProcessors(null, null))
			.withPropertyValues("easyrpc.server.crypto.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(server(context).encryption()).isNull();
			});
	}

	@Test
	void keyThatIsNotBase64FailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.k1=not*base64!")
			.run((context) -> assertInvalid(context, "easyrpc.server.crypto.keys.k1", "not valid base64"));
	}

	@Test
	void keyOfTheWrongLengthFailsStartupNamingTheProperty() {
		String shortKey = Base64.getEncoder().encodeToString(new byte[10]);
		this.runner
			.withPropertyValues("easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + shortKey)
			.run((context) -> {
				assertInvalid(context, "easyrpc.client.crypto.keys.k1",
						"The key decodes to 10 bytes; AES keys have 16, 24 or 32 bytes");
				assertThat(context.getStartupFailure()).rootCause().message().doesNotContain(shortKey);
			});
	}

	@Test
	void keyIdMissingFromTheKeysFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.k1=" + KEY_1,
					"easyrpc.server.crypto.key-id=k2")
			.run((context) -> assertInvalid(context, "easyrpc.server.crypto.key-id",
					"The sending key id names no key under easyrpc.server.crypto.keys (configured: [k1])"));
	}

	@Test
	void severalKeysWithoutKeyIdFailStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + KEY_1,
					"easyrpc.client.crypto.keys.k2=" + KEY_2)
			.run((context) -> assertInvalid(context, "easyrpc.client.crypto.key-id",
					"set easyrpc.client.crypto.key-id to the one that encrypts outgoing payloads"));
	}

	@Test
	void encryptionWithoutKeysFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("easyrpc.server.crypto.enabled=true")
			.run((context) -> assertInvalid(context, "easyrpc.server.crypto.keys",
					"add easyrpc.server.crypto.keys.<id>=<base64 AES key>"));
	}

	@Test
	void nonPositiveSkewOrCacheSizeFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.server.crypto.enabled=true", "easyrpc.server.crypto.keys.k1=" + KEY_1,
					"easyrpc.server.crypto.max-skew=0s")
			.run((context) -> assertInvalid(context, "easyrpc.server.crypto.max-skew", "must be positive"));
		this.runner
			.withPropertyValues("easyrpc.client.crypto.enabled=true", "easyrpc.client.crypto.keys.k1=" + KEY_1,
					"easyrpc.client.crypto.replay-cache-size=0")
			.run((context) -> assertInvalid(context, "easyrpc.client.crypto.replay-cache-size", "must be positive"));
	}

	@Test
	void negativeThresholdFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("easyrpc.server.compression.enabled=true", "easyrpc.server.compression.threshold=-1B")
			.run((context) -> assertInvalid(context, "easyrpc.server.compression.threshold", "threshold"));
	}

	@Test
	void propertiesAreDescribedInTheMetadataWithTheirDefaults() throws Exception {
		URL location = EasyRpcServerProperties.class.getProtectionDomain().getCodeSource().getLocation();
		JsonNode root;
		try (InputStream input = new URL(location, "META-INF/spring-configuration-metadata.json").openStream()) {
			root = JsonMapper.builder().build().readTree(input);
		}
		Map<String, JsonNode> properties = new HashMap<>();
		root.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
		for (String side : new String[] { "server", "client" }) {
			String prefix = "easyrpc." + side + ".";
			assertThat(properties).containsKeys(prefix + "crypto.enabled", prefix + "crypto.keys",
					prefix + "crypto.key-id", prefix + "crypto.max-skew", prefix + "crypto.replay-cache-size",
					prefix + "compression.enabled", prefix + "compression.threshold");
			assertThat(properties.get(prefix + "crypto.max-skew").get("defaultValue").asString()).isEqualTo("30s");
			assertThat(properties.get(prefix + "crypto.replay-cache-size").get("defaultValue").asInt())
				.isEqualTo(100_000);
			assertThat(properties.get(prefix + "compression.threshold").get("defaultValue").asString())
				.isEqualTo("1KB");
			assertThat(properties.get(prefix + "crypto.keys").get("description").asString()).contains("base64");
		}
	}

	private static PayloadProcessors server(AssertableApplicationContext context) {
		return context.getBean(SERVER, PayloadProcessors.class);
	}

	private static PayloadProcessors client(AssertableApplicationContext context) {
		return context.getBean(CLIENT, PayloadProcessors.class);
	}

	private static void assertInvalid(AssertableApplicationContext context, String property, String reason) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.satisfies(
					(ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName()).isEqualTo(property))
			.message()
			.contains(property)
			.contains(reason);
	}

	static class UserProcessor implements RpcProcessor {

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			return payload;
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			return payload;
		}

	}

}
