package io.easyrpc.middleware;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.easyrpc.RpcStatus;
import org.jspecify.annotations.Nullable;

/**
 * Keeps at most a given number of connections open per peer IP address. A connection over
 * the limit is refused with {@link RpcStatus#RESOURCE_EXHAUSTED} (reason
 * {@value #REASON}); the address gets a slot back when one of its connections closes.
 * <p>
 * Only peers with an IP address are counted: in-process connections (and any other peer
 * without one) are always accepted. IPv4 and IPv6 addresses count separately, and so do
 * the addresses of one host. Only addresses with open connections take memory.
 * <p>
 * Thread-safe: one instance serves every connection of a server.
 */
public final class PerIpConnectionLimit implements ConnectionMiddleware {

	/**
	 * The reason of a refusal, the tag of the {@code easyrpc.server.rejected} counter.
	 */
	public static final String REASON = "ip-connection-limit";

	private final int maxPerAddress;

	private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

	/**
	 * Create a limit.
	 * @param maxPerAddress the number of connections kept open at most per IP address, at
	 * least 1
	 */
	public PerIpConnectionLimit(int maxPerAddress) {
		if (maxPerAddress < 1) {
			throw new IllegalArgumentException(
					"The per-address connection limit must be at least 1, not " + maxPerAddress);
		}
		this.maxPerAddress = maxPerAddress;
	}

	/**
	 * Return the number of connections kept open at most per IP address.
	 * @return the limit
	 */
	public int maxPerAddress() {
		return this.maxPerAddress;
	}

	/**
	 * Return the number of open connections from an address that this limit accepted.
	 * @param address the peer address
	 * @return the open connection count
	 */
	public int openConnections(InetAddress address) {
		return this.open.getOrDefault(address, 0);
	}

	@Override
	public ConnectionDecision onConnect(ConnectionInfo connection) {
		InetAddress address = ipAddress(connection.remoteAddress());
		if (address == null) {
			return ConnectionDecision.accept();
		}
		boolean[] taken = new boolean[1];
		this.open.compute(address, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxPerAddress) {
				return count;
			}
			taken[0] = true;
			return current + 1;
		});
		if (taken[0]) {
			return ConnectionDecision.accept();
		}
		return ConnectionDecision.reject(RpcStatus.RESOURCE_EXHAUSTED, "Too many connections from "
				+ address.getHostAddress() + ": the server allows " + this.maxPerAddress + " per address", REASON);
	}

	@Override
	public void onClose(ConnectionInfo connection) {
		InetAddress address = ipAddress(connection.remoteAddress());
		if (address != null) {
			this.open.computeIfPresent(address, (key, count) -> (count > 1) ? count - 1 : null);
		}
	}

	private static @Nullable InetAddress ipAddress(SocketAddress address) {
		return (address instanceof InetSocketAddress inet) ? inet.getAddress() : null;
	}

	@Override
	public String toString() {
		return "PerIpConnectionLimit[maxPerAddress=" + this.maxPerAddress + "]";
	}

}
