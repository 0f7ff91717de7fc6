package io.easyrpc.autoconfigure;

import java.net.SocketAddress;
import java.util.List;

import io.easyrpc.server.RpcServer;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the easyrpc server has bound its addresses and serves calls. Its source
 * is the {@link RpcServer}.
 */
public class RpcServerStartedEvent extends ApplicationEvent {

	private final List<SocketAddress> addresses;

	/**
	 * Create the event.
	 * @param server the server
	 * @param addresses the bound addresses
	 */
	public RpcServerStartedEvent(RpcServer server, List<SocketAddress> addresses) {
		super(server);
		this.addresses = List.copyOf(addresses);
	}

	/**
	 * Return the server.
	 * @return the server
	 */
	public RpcServer getServer() {
		return (RpcServer) getSource();
	}

	/**
	 * Return the bound addresses: an {@link java.net.InetSocketAddress} per TCP address
	 * (with the bound port when port 0 was asked for), the socket address of a unix
	 * domain socket, a Netty local address for in-process.
	 * @return the addresses
	 */
	public List<SocketAddress> getAddresses() {
		return this.addresses;
	}

}
