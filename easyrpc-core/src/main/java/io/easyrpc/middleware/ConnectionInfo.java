package io.easyrpc.middleware;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import javax.net.ssl.SSLSession;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ConnectionMiddleware} learns about a new connection.
 *
 * @param remoteAddress the peer's address: an {@link InetSocketAddress} on TCP, a Netty
 * local address in process
 * @param localAddress the address the connection was accepted on
 * @param sslSession the TLS session, {@code null} without TLS
 */
public record ConnectionInfo(SocketAddress remoteAddress, @Nullable SocketAddress localAddress,
		@Nullable SSLSession sslSession) {

	/**
	 * Return whether the peer is in the same process or on the loopback interface.
	 * @return {@code true} for in-process and loopback peers
	 */
	public boolean isLocal() {
		return LocalPeers.isLocal(this.remoteAddress);
	}

}
