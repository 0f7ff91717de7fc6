package io.easyrpc.autoconfigure;

import io.easyrpc.transport.IoTransport;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Netty event loops of easyrpc servers and clients.
 */
@ConfigurationProperties("easyrpc.netty")
public class EasyRpcNettyProperties {

	/**
	 * I/O transport of TCP servers and clients: auto (native epoll when
	 * netty-transport-native-epoll is on the class path, NIO otherwise), nio, epoll or
	 * io-uring. A native transport that is forced but absent fails the start-up.
	 */
	private IoTransport transport = IoTransport.AUTO;

	public IoTransport getTransport() {
		return this.transport;
	}

	public void setTransport(IoTransport transport) {
		this.transport = transport;
	}

}
