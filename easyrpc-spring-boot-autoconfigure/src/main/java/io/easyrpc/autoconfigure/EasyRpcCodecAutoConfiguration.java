package io.easyrpc.autoconfigure;

import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.MessagePackMapper;
import io.easyrpc.codec.MessagePackObjectCodec;
import io.easyrpc.codec.ObjectCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the codecs that map arguments and results: MessagePack, the
 * default, and JSON, for targets with {@code codec: json} and the server's JSON
 * connections. The application's {@link JsonMapper} configuration (modules, naming
 * strategy, features) is carried over to both, so objects map the same way as in the
 * application's JSON; {@link MessagePackMapperCustomizer} and
 * {@link JsonCodecMapperCustomizer} beans adjust each further.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
public final class EasyRpcCodecAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObjectCodec easyRpcObjectCodec(ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<MessagePackMapperCustomizer> customizers) {
		JsonMapper template = jsonMapper.getIfUnique();
		MessagePackMapper.Builder builder = (template != null) ? MessagePackMapper.builderFrom(template)
				: MessagePackMapper.builder();
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return new MessagePackObjectCodec(builder.build());
	}

	// Not an ObjectCodec bean: one of those is injected by type in many places.
	@Bean
	@ConditionalOnMissingBean
	JsonCodecHolder easyRpcJsonCodec(ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<JsonCodecMapperCustomizer> customizers) {
		JsonMapper template = jsonMapper.getIfUnique();
		JsonMapper.Builder builder = (template != null) ? JsonObjectCodec.mapperBuilderFrom(template)
				: JsonObjectCodec.mapperBuilder();
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return new JsonCodecHolder(new JsonObjectCodec(builder.build()));
	}

	/**
	 * Holds the JSON codec that the client factory and the server share.
	 *
	 * @param codec the codec
	 */
	record JsonCodecHolder(JsonObjectCodec codec) {
	}

}
