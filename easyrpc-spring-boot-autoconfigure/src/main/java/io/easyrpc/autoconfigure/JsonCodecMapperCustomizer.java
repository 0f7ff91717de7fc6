package io.easyrpc.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

/**
 * Callback that customizes the Jackson mapper of easyrpc's JSON codec (the payloads of
 * targets with {@code codec: json}, and of the server's JSON connections), after the
 * application's JSON mapper configuration has been copied onto it.
 * {@link MessagePackMapperCustomizer} is its MessagePack counterpart.
 */
@FunctionalInterface
public interface JsonCodecMapperCustomizer {

	/**
	 * Customize the mapper builder.
	 * @param builder the builder
	 */
	void customize(JsonMapper.Builder builder);

}
