package io.easyrpc.autoconfigure;

import io.easyrpc.transport.IoTransport;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Netty event loops of easyrpc servers and clients.
 */
@ConfigurationProperties("easyrpc.netty")
public class EasyRpcNettyProperties {

	/**
	 * I/O transport of TCP servers and clients: auto (currently NIO), nio, epoll or
	 * io-uring. epoll and io-uring need Netty's native jar for the platform; forcing one
	 * that is absent fails the start-up.
	 */
	private IoTransport transport = IoTransport.AUTO;

	public IoTransport getTransport() {
		return this.transport;
	}

	public void setTransport(IoTransport transport) {
		this.transport = transport;
	}

}
