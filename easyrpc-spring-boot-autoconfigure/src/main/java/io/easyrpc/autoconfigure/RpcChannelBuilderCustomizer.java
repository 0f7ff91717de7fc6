package io.easyrpc.autoconfigure;

import io.easyrpc.client.RpcChannel;

/**
 * Callback that customizes the {@link RpcChannel.Builder} of every channel the
 * auto-configured {@link RpcClientFactory} opens. There is one channel per server
 * address, shared by the targets and client interfaces that call it.
 */
@FunctionalInterface
public interface RpcChannelBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param address the server address of the channel, for example
	 * {@code tcp://localhost:7070}
	 * @param builder the builder
	 */
	void customize(String address, RpcChannel.Builder builder);

}
