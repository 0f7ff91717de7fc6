package io.easyrpc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.easyrpc.middleware.PayloadCompression;
import io.easyrpc.middleware.PayloadEncryption;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Makes the {@link PayloadProcessors} of the server and of the clients from their
 * properties, failing with a message that names the property at fault.
 */
final class PayloadProcessorConfigurations {

	private static final String MASKED = "******";

	private PayloadProcessorConfigurations() {
	}

	/**
	 * Create the payload encryption of one side.
	 * @param prefix the properties' prefix, for example {@code easyrpc.server.crypto}
	 * @param crypto the properties
	 * @return the processor
	 * @throws InvalidConfigurationPropertyValueException naming the property at fault
	 */
	static PayloadEncryption encryption(String prefix, PayloadCryptoProperties crypto) {
		Map<String, String> keys = crypto.getKeys();
		if (keys.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".keys", "",
					"Payload encryption is enabled (" + prefix + ".enabled=true) but no key is configured: add "
							+ prefix + ".keys.<id>=<base64 AES key>");
		}
		PayloadEncryption.Builder builder = PayloadEncryption.builder();
		keys.forEach((id, value) -> builder.key(id, decodeKey(prefix + ".keys." + id, id, value)));
		String keyId = crypto.getKeyId();
		if (StringUtils.hasText(keyId)) {
			if (!keys.containsKey(keyId)) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".key-id", keyId,
						"The sending key id names no key under " + prefix + ".keys (configured: " + keys.keySet()
								+ ")");
			}
			builder.sendingKeyId(keyId);
		}
		else if (keys.size() > 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".key-id", null,
					"Several keys are configured under " + prefix + ".keys " + keys.keySet() + ": set " + prefix
							+ ".key-id to the one that encrypts outgoing payloads");
		}
		if (crypto.getMaxSkew() == null || crypto.getMaxSkew().isNegative() || crypto.getMaxSkew().isZero()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-skew", crypto.getMaxSkew(),
					"The maximum clock skew must be positive");
		}
		builder.maxSkew(crypto.getMaxSkew());
		if (crypto.getReplayCacheSize() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".replay-cache-size",
					crypto.getReplayCacheSize(), "The replay cache size must be positive");
		}
		builder.replayCacheSize(crypto.getReplayCacheSize());
		return builder.build();
	}

	private static byte[] decodeKey(String property, String id, String value) {
		if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > 255) {
			throw new InvalidConfigurationPropertyValueException(property, MASKED,
					"A key id must have 1 to 255 bytes in UTF-8");
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode((value != null) ? value.trim() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, MASKED,
					"The key is not valid base64 (" + ex.getMessage() + ")");
		}
		if (key.length != 16 && key.length != 24 && key.length != 32) {
			throw new InvalidConfigurationPropertyValueException(property, MASKED, "The key decodes to " + key.length
					+ " bytes; AES keys have 16, 24 or 32 bytes (for example 'openssl rand -base64 32')");
		}
		return key;
	}

	/**
	 * Create the payload compression of one side.
	 * @param prefix the properties' prefix, for example
	 * {@code easyrpc.server.compression}
	 * @param compression the properties
	 * @param maxFrameSize the side's maximum frame size, the limit of inflated payloads
	 * @return the processor
	 * @throws InvalidConfigurationPropertyValueException naming the property at fault
	 */
	static PayloadCompression compression(String prefix, PayloadCompressionProperties compression,
			DataSize maxFrameSize) {
		DataSize threshold = compression.getThreshold();
		if (threshold == null || threshold.isNegative() || threshold.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".threshold", threshold,
					"The compression threshold must be between 0 and 2GB");
		}
		return PayloadCompression.builder()
			.threshold((int) threshold.toBytes())
			.maxInflatedSize((int) Math.min(Integer.MAX_VALUE, Math.max(1, maxFrameSize.toBytes())))
			.build();
	}

	static PayloadProcessors processors(String prefix, PayloadCompressionProperties compression,
			PayloadCryptoProperties crypto, DataSize maxFrameSize) {
		return new PayloadProcessors(
				compression.isEnabled() ? compression(prefix + ".compression", compression, maxFrameSize) : null,
				crypto.isEnabled() ? encryption(prefix + ".crypto", crypto) : null);
	}

	@Configuration(proxyBeanMethods = false)
	static class Server {

		@Bean(name = EasyRpcServerAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)
		@ConditionalOnMissingBean(name = EasyRpcServerAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)
		PayloadProcessors easyRpcServerPayloadProcessors(EasyRpcServerProperties properties) {
			return processors("easyrpc.server", properties.getCompression(), properties.getCrypto(),
					properties.getMaxFrameSize());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Client {

		@Bean(name = EasyRpcClientAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)
		@ConditionalOnMissingBean(name = EasyRpcClientAutoConfiguration.PAYLOAD_PROCESSORS_BEAN_NAME)
		PayloadProcessors easyRpcClientPayloadProcessors(EasyRpcClientProperties properties) {
			return processors("easyrpc.client", properties.getCompression(), properties.getCrypto(),
					properties.getMaxFrameSize());
		}

	}

}
