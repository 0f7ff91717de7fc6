package io.easyrpc.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata that the build generates from the properties
 * classes, so that IDEs complete and document {@code easyrpc.*} properties.
 */
class ConfigurationMetadataTests {

	private static final Map<String, JsonNode> properties = new HashMap<>();

	private static final Map<String, JsonNode> hints = new HashMap<>();

	@BeforeAll
	static void readMetadata() throws Exception {
		URL location = EasyRpcServerProperties.class.getProtectionDomain().getCodeSource().getLocation();
		URL metadata = new URL(location, "META-INF/spring-configuration-metadata.json");
		JsonNode root;
		try (InputStream input = metadata.openStream()) {
			root = JsonMapper.builder().build().readTree(input);
		}
		root.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
		JsonNode hintNodes = root.get("hints");
		if (hintNodes != null) {
			hintNodes.forEach((hint) -> hints.put(hint.get("name").asString(), hint));
		}
	}

	@Test
	void everyPropertyHasADescription() {
		assertThat(properties).isNotEmpty();
		properties.forEach(
				(name, property) -> assertThat(property.path("description").asString()).as("description of %s", name)
					.isNotBlank());
	}

	@Test
	void nettyTransportIsDescribed() {
		assertThat(properties).containsKey("easyrpc.netty.transport");
		assertThat(properties.get("easyrpc.netty.transport").get("type").asString())
			.isEqualTo("io.easyrpc.transport.IoTransport");
		assertThat(properties.get("easyrpc.netty.transport").get("defaultValue").asString()).isEqualTo("auto");
	}

	@Test
	void serverPropertiesAreDescribed() {
		assertThat(properties).containsKeys("easyrpc.server.port", "easyrpc.server.host",
				"easyrpc.server.max-frame-size", "easyrpc.server.idle-timeout", "easyrpc.server.expose-stack-traces",
				"easyrpc.server.executor.max-threads", "easyrpc.server.in-process-name",
				"easyrpc.server.max-sessions-per-connection");
		assertThat(properties.get("easyrpc.server.max-sessions-per-connection").get("defaultValue").asInt())
			.isEqualTo(1000);
		assertThat(properties.get("easyrpc.server.port").get("defaultValue").asInt()).isEqualTo(7070);
		assertThat(properties.get("easyrpc.server.port").get("type").asString()).isEqualTo("java.lang.Integer");
		assertThat(properties.get("easyrpc.server.max-frame-size").get("type").asString())
			.isEqualTo("org.springframework.util.unit.DataSize");
		assertThat(properties.get("easyrpc.server.max-frame-size").get("description").asString())
			.contains("Largest frame");
	}

	@Test
	void serverEnabledDescribesItsDefault() {
		JsonNode enabled = properties.get("easyrpc.server.enabled");
		assertThat(enabled).isNotNull();
		assertThat(enabled.get("type").asString()).isEqualTo("java.lang.Boolean");
		assertThat(enabled.get("description").asString()).contains("@RpcService");
	}

	@Test
	void discoveryRefreshIntervalIsDescribed() {
		JsonNode interval = properties.get("easyrpc.client.discovery.refresh-interval");
		assertThat(interval).isNotNull();
		assertThat(interval.get("defaultValue").asString()).isEqualTo("5s");
		assertThat(interval.get("description").asString()).contains("discovery://");
		assertThat(hints).containsKey("easyrpc.client.targets.values.load-balancing");
	}

	@Test
	void clientPropertiesAreDescribed() {
		assertThat(properties).containsKeys("easyrpc.client.enabled", "easyrpc.client.timeout",
				"easyrpc.client.exception-packages", "easyrpc.client.targets");
		JsonNode targets = properties.get("easyrpc.client.targets");
		assertThat(targets.get("type").asString()).startsWith("java.util.Map<java.lang.String,")
			.contains("EasyRpcClientProperties$Target");
		assertThat(targets.get("description").asString()).isNotBlank();
		assertThat(properties.get("easyrpc.client.timeout").get("defaultValue").asString()).isEqualTo("5s");
	}

	@Test
	void sslPropertiesAreDescribed() {
		assertThat(properties).containsKeys("easyrpc.server.ssl.bundle", "easyrpc.server.ssl.client-auth",
				"easyrpc.client.ssl.bundle");
		assertThat(properties.get("easyrpc.server.ssl.client-auth").get("defaultValue").asString()).isEqualTo("none");
		assertThat(properties.get("easyrpc.server.ssl.bundle").get("description").asString()).contains("SSL bundle");
	}

	@Test
	void authPropertiesAreDescribed() {
		assertThat(properties).containsKeys("easyrpc.server.auth.shared-secret", "easyrpc.server.auth.timeout",
				"easyrpc.client.auth.shared-secret");
		assertThat(properties.get("easyrpc.server.auth.timeout").get("defaultValue").asString()).isEqualTo("10s");
		assertThat(properties.get("easyrpc.server.auth.shared-secret").get("description").asString())
			.contains("HMAC-SHA256");
		assertThat(properties.get("easyrpc.server.auth.shared-secret").has("defaultValue")).isFalse();
	}

	@Test
	void targetAddressHasValueHints() {
		JsonNode hint = hints.get("easyrpc.client.targets.values.address");
		assertThat(hint).isNotNull();
		List<String> values = hint.get("values").valueStream().map((value) -> value.get("value").asString()).toList();
		assertThat(values).anyMatch((value) -> value.startsWith("tcp://"))
			.anyMatch((value) -> value.startsWith("inproc://"));
	}

}
