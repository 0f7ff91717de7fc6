package io.easyrpc.internal.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import io.easyrpc.transport.RpcAddress;
import io.netty.channel.local.LocalAddress;
import org.jspecify.annotations.Nullable;

/**
 * Writes socket addresses the way easyrpc addresses are written ({@code tcp://host:port},
 * {@code unix:/path}, {@code inproc://name}), for logs and the actuator endpoint.
 */
public final class SocketAddresses {

	private static final String NETTY_DOMAIN_SOCKET_ADDRESS = "io.netty.channel.unix.DomainSocketAddress";

	private SocketAddresses() {
	}

	/**
	 * Describe a bound address.
	 * @param bound the listening channel's local address, may be {@code null}
	 * @param configured the address that was bound
	 * @return the description
	 */
	public static String describe(@Nullable SocketAddress bound, RpcAddress configured) {
		if (bound instanceof InetSocketAddress inet) {
			return RpcAddress.tcp(inet.getAddress().getHostAddress(), inet.getPort()).toString();
		}
		return configured.toString();
	}

	/**
	 * Describe the peer of a connection. The client end of a unix domain socket has no
	 * name: it is described by the socket it connected to.
	 * @param peer the peer's address, may be {@code null}
	 * @param local this side's address, may be {@code null}
	 * @return the description
	 */
	public static String describePeer(@Nullable SocketAddress peer, @Nullable SocketAddress local) {
		String peerPath = unixPath(peer);
		if (peerPath != null || isUnix(local)) {
			if (peerPath != null && !peerPath.isEmpty()) {
				return RpcAddress.UNIX + ":" + peerPath;
			}
			String localPath = unixPath(local);
			return "unix peer of " + RpcAddress.UNIX + ":" + ((localPath != null) ? localPath : "?");
		}
		if (peer instanceof LocalAddress localAddress) {
			return RpcAddress.INPROC + "://" + localAddress.id();
		}
		return (peer != null) ? peer.toString() : "?";
	}

	/**
	 * Return whether an address is that of a unix domain socket.
	 * @param address the address, may be {@code null}
	 * @return {@code true} for the JDK's and Netty's unix domain socket addresses
	 */
	public static boolean isUnix(@Nullable SocketAddress address) {
		return address instanceof UnixDomainSocketAddress
				|| (address != null && address.getClass().getName().equals(NETTY_DOMAIN_SOCKET_ADDRESS));
	}

	// The path of a unix domain socket address, empty for an unnamed socket, null for
	// other addresses.
	private static @Nullable String unixPath(@Nullable SocketAddress address) {
		if (address instanceof UnixDomainSocketAddress unix) {
			return unix.getPath().toString();
		}
		if (isUnix(address)) {
			// Netty's DomainSocketAddress prints its path.
			String text = address.toString();
			return (text != null) ? text : "";
		}
		return null;
	}

}
