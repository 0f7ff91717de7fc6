package io.easyrpc.autoconfigure;

import io.easyrpc.codec.MessagePackMapper;
import io.easyrpc.codec.ObjectCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the codec that maps arguments and results to MessagePack. The
 * application's {@link JsonMapper} configuration (modules, naming strategy, features) is
 * carried over, so objects map the same way as in JSON;
 * {@link MessagePackMapperCustomizer} beans adjust it further.
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
		return new ObjectCodec(builder.build());
	}

}
