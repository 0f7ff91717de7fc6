package io.easyrpc.autoconfigure;

import io.netty.bootstrap.ServerBootstrap;

/**
 * Callback that customizes the Netty {@link ServerBootstrap} of the easyrpc server, for
 * example to set socket options.
 */
@FunctionalInterface
public interface RpcServerBootstrapCustomizer {

	/**
	 * Customize the bootstrap.
	 * @param bootstrap the bootstrap
	 */
	void customize(ServerBootstrap bootstrap);

}
