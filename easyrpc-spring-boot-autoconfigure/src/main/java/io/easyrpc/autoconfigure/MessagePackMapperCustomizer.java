package io.easyrpc.autoconfigure;

import io.easyrpc.codec.MessagePackMapper;

/**
 * Callback that customizes the Jackson mapper easyrpc uses for arguments and results,
 * after the application's JSON mapper configuration has been copied onto it.
 */
@FunctionalInterface
public interface MessagePackMapperCustomizer {

	/**
	 * Customize the mapper builder.
	 * @param builder the builder
	 */
	void customize(MessagePackMapper.Builder builder);

}
