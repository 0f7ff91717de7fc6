package io.easyrpc.autoconfigure;

import io.netty.bootstrap.Bootstrap;

/**
 * Callback that customizes the Netty {@link Bootstrap} of easyrpc client connections, for
 * example to set socket options.
 */
@FunctionalInterface
public interface RpcClientBootstrapCustomizer {

	/**
	 * Customize the bootstrap.
	 * @param bootstrap the bootstrap
	 */
	void customize(Bootstrap bootstrap);

}
