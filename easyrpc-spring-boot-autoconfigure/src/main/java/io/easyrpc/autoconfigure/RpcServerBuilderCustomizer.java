package io.easyrpc.autoconfigure;

import io.easyrpc.server.RpcServer;

/**
 * Callback that customizes the {@link RpcServer.Builder} before the auto-configured
 * server is built, for example to add an address or an exception resolver.
 */
@FunctionalInterface
public interface RpcServerBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder
	 */
	void customize(RpcServer.Builder builder);

}
