package io.easyrpc.middleware;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.easyrpc.internal.transport.SocketAddresses;
import io.netty.channel.local.LocalAddress;
import org.jspecify.annotations.Nullable;

/**
 * Tells local peers (same process, loopback interface) from remote ones.
 */
public final class LocalPeers {

	private LocalPeers() {
	}

	/**
	 * Return whether an address belongs to a peer in this process, on the loopback
	 * interface or at the other end of a unix domain socket.
	 * @param address the peer's address, may be {@code null}
	 * @return {@code true} for in-process and loopback peers
	 */
	public static boolean isLocal(@Nullable SocketAddress address) {
		if (address instanceof LocalAddress || SocketAddresses.isUnix(address)) {
			return true;
		}
		return address instanceof InetSocketAddress inet && inet.getAddress() != null
				&& inet.getAddress().isLoopbackAddress();
	}

}
