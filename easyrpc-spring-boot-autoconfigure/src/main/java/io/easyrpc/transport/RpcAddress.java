package io.easyrpc.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

import io.netty.channel.local.LocalAddress;

/**
 * The address of an easyrpc server: {@code tcp://host:port} for TCP or
 * {@code inproc://name} for a server in the same JVM.
 *
 * @param scheme {@code tcp} or {@code inproc}
 * @param host the host name (TCP) or the in-process name
 * @param port the TCP port, {@code -1} for in-process addresses
 */
public record RpcAddress(String scheme, String host, int port) {

	/** Scheme of TCP addresses. */
	public static final String TCP = "tcp";

	/** Scheme of in-process addresses. */
	public static final String INPROC = "inproc";

	/**
	 * Parse an address.
	 * @param address the address, for example {@code tcp://localhost:7070}
	 * @return the parsed address
	 * @throws IllegalArgumentException if the address is not valid, with a message that
	 * says what is expected
	 */
	public static RpcAddress parse(String address) {
		if (address == null || address.isBlank()) {
			throw new IllegalArgumentException("easyrpc address is empty; expected tcp://host:port or inproc://name");
		}
		String text = address.trim();
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("Invalid easyrpc address '" + text + "': " + ex.getMessage(), ex);
		}
		String scheme = uri.getScheme();
		if (TCP.equals(scheme)) {
			if (uri.getHost() == null || uri.getPort() < 0) {
				throw new IllegalArgumentException(
						"Invalid easyrpc address '" + text + "': expected tcp://host:port with a host and a port");
			}
			return new RpcAddress(TCP, uri.getHost(), uri.getPort());
		}
		if (INPROC.equals(scheme)) {
			String name = uri.getSchemeSpecificPart().replaceFirst("^//", "");
			if (name.isEmpty()) {
				throw new IllegalArgumentException("Invalid easyrpc address '" + text + "': expected inproc://name");
			}
			return new RpcAddress(INPROC, name, -1);
		}
		throw new IllegalArgumentException("Unsupported easyrpc address '" + text
				+ "': the scheme must be tcp or inproc (for example tcp://localhost:7070)");
	}

	/**
	 * Create a TCP address.
	 * @param host the host
	 * @param port the port
	 * @return the address
	 */
	public static RpcAddress tcp(String host, int port) {
		return new RpcAddress(TCP, host, port);
	}

	/**
	 * Create an in-process address.
	 * @param name the in-process name
	 * @return the address
	 */
	public static RpcAddress inProcess(String name) {
		return new RpcAddress(INPROC, name, -1);
	}

	/**
	 * Return whether this is an in-process address.
	 * @return {@code true} for {@code inproc://} addresses
	 */
	public boolean isInProcess() {
		return INPROC.equals(this.scheme);
	}

	/**
	 * Return the socket address to connect or bind to. TCP host names are resolved now;
	 * {@code 0.0.0.0}, {@code ::} and {@code *} mean every local interface, IPv4 and
	 * IPv6.
	 * @return the socket address
	 */
	public SocketAddress toSocketAddress() {
		if (isInProcess()) {
			return new LocalAddress(this.host);
		}
		return isWildcard(this.host) ? new InetSocketAddress(this.port) : new InetSocketAddress(this.host, this.port);
	}

	@Override
	public String toString() {
		return isInProcess() ? INPROC + "://" + this.host : TCP + "://" + formatHost(this.host) + ":" + this.port;
	}

	// 0.0.0.0 binds every interface of both IP stacks, so that clients resolving
	// "localhost" to ::1 reach the server as well as those resolving it to 127.0.0.1.
	private static boolean isWildcard(String host) {
		return host.isEmpty() || host.equals("*") || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
	}

	private static String formatHost(String host) {
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
