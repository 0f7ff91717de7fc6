package io.easyrpc.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;

import io.netty.channel.local.LocalAddress;
import org.jspecify.annotations.Nullable;

/**
 * The address of an easyrpc server: {@code tcp://host:port} for TCP,
 * {@code ws://host:port/path} or {@code wss://host:port/path} for a WebSocket endpoint
 * (plain or over TLS), {@code unix:/path/to.sock} for a unix domain socket on the same
 * host, or {@code inproc://name} for a server in the same JVM.
 * <p>
 * Two more schemes name a plain MessagePack-RPC server, one that is not an easyrpc server
 * (Neovim, for example), called without the easyrpc preface and framing:
 * {@code msgpack-rpc://host:port} over TCP and {@code msgpack-rpc+unix:/path/to.sock}
 * over a unix domain socket. Clients only: see {@link #isMsgpackRpc()}.
 * <p>
 * A WebSocket address without a port uses the scheme's default (80 for {@code ws}, 443
 * for {@code wss}); without a path it uses {@value #DEFAULT_WEBSOCKET_PATH}, the path a
 * server serves by default.
 *
 * @param scheme {@code tcp}, {@code ws}, {@code wss}, {@code unix}, {@code inproc},
 * {@code msgpack-rpc} or {@code msgpack-rpc+unix}
 * @param host the host name (TCP, WebSocket), the socket file's path (unix domain socket)
 * or the in-process name
 * @param port the port, {@code -1} for unix domain socket and in-process addresses
 * @param path the WebSocket path, with its query if any; {@code null} for other addresses
 */
public record RpcAddress(String scheme, String host, int port, @Nullable String path) {

	/** Scheme of TCP addresses. */
	public static final String TCP = "tcp";

	/** Scheme of in-process addresses. */
	public static final String INPROC = "inproc";

	/** Scheme of unix domain socket addresses. */
	public static final String UNIX = "unix";

	/** Scheme of WebSocket addresses without TLS. */
	public static final String WS = "ws";

	/** Scheme of WebSocket addresses over TLS. */
	public static final String WSS = "wss";

	/** Scheme of plain MessagePack-RPC servers over TCP. */
	public static final String MSGPACK_RPC = "msgpack-rpc";

	/** Scheme of plain MessagePack-RPC servers over a unix domain socket. */
	public static final String MSGPACK_RPC_UNIX = "msgpack-rpc+unix";

	/** The path of a WebSocket address that names none. */
	public static final String DEFAULT_WEBSOCKET_PATH = "/easyrpc";

	private static final String EXPECTED = "tcp://host:port, ws://host:port/path, wss://host:port/path, unix:/path/to.sock, inproc://name, msgpack-rpc://host:port or msgpack-rpc+unix:/path/to.sock";

	/**
	 * Create an address. A WebSocket address without a path gets
	 * {@value #DEFAULT_WEBSOCKET_PATH}; other addresses have none.
	 * @param scheme {@code tcp}, {@code ws}, {@code wss} or {@code inproc}
	 * @param host the host name or the in-process name
	 * @param port the port, {@code -1} for in-process addresses
	 * @param path the WebSocket path
	 */
	public RpcAddress {
		if (WS.equals(scheme) || WSS.equals(scheme)) {
			path = (path == null || path.isEmpty()) ? DEFAULT_WEBSOCKET_PATH : path;
		}
		else {
			path = null;
		}
	}

	/**
	 * Create an address without a path: a TCP or an in-process address.
	 * @param scheme {@code tcp} or {@code inproc}
	 * @param host the host name or the in-process name
	 * @param port the TCP port, {@code -1} for in-process addresses
	 */
	public RpcAddress(String scheme, String host, int port) {
		this(scheme, host, port, null);
	}

	/**
	 * Parse an address.
	 * @param address the address, for example {@code tcp://localhost:7070} or
	 * {@code ws://localhost:8080/easyrpc}
	 * @return the parsed address
	 * @throws IllegalArgumentException if the address is not valid, with a message that
	 * says what is expected
	 */
	public static RpcAddress parse(String address) {
		if (address == null || address.isBlank()) {
			throw new IllegalArgumentException("easyrpc address is empty; expected " + EXPECTED);
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
		if (TCP.equals(scheme) || MSGPACK_RPC.equals(scheme)) {
			if (uri.getHost() == null || uri.getPort() < 0) {
				throw new IllegalArgumentException("Invalid easyrpc address '" + text + "': expected " + scheme
						+ "://host:port with a host and a port");
			}
			return new RpcAddress(scheme, uri.getHost(), uri.getPort());
		}
		if (WS.equals(scheme) || WSS.equals(scheme)) {
			return parseWebSocket(text, uri, scheme);
		}
		if (UNIX.equals(scheme) || MSGPACK_RPC_UNIX.equals(scheme)) {
			// unix:/path, unix:relative/path and unix:///path all name a file.
			String file = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
			if (file == null || file.isEmpty() || (!uri.isOpaque() && uri.getAuthority() != null)) {
				throw new IllegalArgumentException("Invalid easyrpc address '" + text + "': expected " + scheme
						+ ":/path/to.sock, the path of a socket file");
			}
			return new RpcAddress(scheme, file, -1);
		}
		if (INPROC.equals(scheme)) {
			String name = uri.getSchemeSpecificPart().replaceFirst("^//", "");
			if (name.isEmpty()) {
				throw new IllegalArgumentException("Invalid easyrpc address '" + text + "': expected inproc://name");
			}
			return new RpcAddress(INPROC, name, -1);
		}
		throw new IllegalArgumentException("Unsupported easyrpc address '" + text
				+ "': the scheme must be tcp, ws, wss, unix or inproc for an easyrpc server (for example "
				+ "tcp://localhost:7070, ws://localhost:8080/easyrpc or unix:/run/app/rpc.sock), or msgpack-rpc or "
				+ "msgpack-rpc+unix for a plain MessagePack-RPC server (msgpack-rpc://localhost:6666 or "
				+ "msgpack-rpc+unix:/run/nvim.sock)");
	}

	private static RpcAddress parseWebSocket(String text, URI uri, String scheme) {
		String expected = scheme + "://host[:port][/path]";
		if (uri.isOpaque() || uri.getHost() == null) {
			throw new IllegalArgumentException(
					"Invalid easyrpc address '" + text + "': expected " + expected + " with a host name");
		}
		if (uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException("Invalid easyrpc address '" + text
					+ "': user information is not supported in WebSocket addresses; expected " + expected);
		}
		if (uri.getRawFragment() != null) {
			throw new IllegalArgumentException("Invalid easyrpc address '" + text
					+ "': a WebSocket address cannot have a fragment ('#...'); expected " + expected);
		}
		int port = uri.getPort();
		if (port < 0) {
			port = WSS.equals(scheme) ? 443 : 80;
		}
		String path = uri.getRawPath();
		if (path == null || path.isEmpty()) {
			path = DEFAULT_WEBSOCKET_PATH;
		}
		if (uri.getRawQuery() != null) {
			path = path + "?" + uri.getRawQuery();
		}
		return new RpcAddress(scheme, uri.getHost(), port, path);
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
	 * Create a unix domain socket address.
	 * @param path the path of the socket file
	 * @return the address
	 */
	public static RpcAddress unix(String path) {
		if (path == null || path.isEmpty()) {
			throw new IllegalArgumentException("A unix domain socket address needs the path of a socket file");
		}
		return new RpcAddress(UNIX, path, -1);
	}

	/**
	 * Create the address of a plain MessagePack-RPC server over TCP.
	 * @param host the host
	 * @param port the port
	 * @return the address
	 */
	public static RpcAddress msgpackRpc(String host, int port) {
		return new RpcAddress(MSGPACK_RPC, host, port);
	}

	/**
	 * Create the address of a plain MessagePack-RPC server over a unix domain socket.
	 * @param path the path of the socket file
	 * @return the address
	 */
	public static RpcAddress msgpackRpcUnix(String path) {
		if (path == null || path.isEmpty()) {
			throw new IllegalArgumentException("A unix domain socket address needs the path of a socket file");
		}
		return new RpcAddress(MSGPACK_RPC_UNIX, path, -1);
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
	 * Return whether this is a unix domain socket address; its {@link #host()} is the
	 * path of the socket file.
	 * @return {@code true} for {@code unix:} and {@code msgpack-rpc+unix:} addresses
	 */
	public boolean isUnixSocket() {
		return UNIX.equals(this.scheme) || MSGPACK_RPC_UNIX.equals(this.scheme);
	}

	/**
	 * Return whether this is the address of a plain MessagePack-RPC server: one called
	 * with bare MessagePack-RPC messages, without the easyrpc preface, framing and
	 * handshake.
	 * @return {@code true} for {@code msgpack-rpc://} and {@code msgpack-rpc+unix:}
	 * addresses
	 */
	public boolean isMsgpackRpc() {
		return MSGPACK_RPC.equals(this.scheme) || MSGPACK_RPC_UNIX.equals(this.scheme);
	}

	/**
	 * Return whether this is a WebSocket address.
	 * @return {@code true} for {@code ws://} and {@code wss://} addresses
	 */
	public boolean isWebSocket() {
		return WS.equals(this.scheme) || WSS.equals(this.scheme);
	}

	/**
	 * Return whether the scheme itself requires TLS.
	 * @return {@code true} for {@code wss://} addresses
	 */
	public boolean isSecureWebSocket() {
		return WSS.equals(this.scheme);
	}

	/**
	 * Return the URI of a WebSocket address, as sent in the upgrade request.
	 * @return the URI
	 * @throws IllegalStateException if this is not a WebSocket address
	 */
	public URI toUri() {
		if (!isWebSocket()) {
			throw new IllegalStateException(this + " is not a WebSocket address");
		}
		return URI.create(toString());
	}

	/**
	 * Return the socket address to connect or bind to. TCP host names are resolved now;
	 * {@code 0.0.0.0}, {@code ::} and {@code *} mean every local interface, IPv4 and
	 * IPv6. A unix domain socket address gives the JDK's {@link UnixDomainSocketAddress};
	 * native transports use their own type for the same path.
	 * @return the socket address
	 */
	public SocketAddress toSocketAddress() {
		if (isInProcess()) {
			return new LocalAddress(this.host);
		}
		if (isUnixSocket()) {
			return UnixDomainSocketAddress.of(this.host);
		}
		return isWildcard(this.host) ? new InetSocketAddress(this.port) : new InetSocketAddress(this.host, this.port);
	}

	@Override
	public String toString() {
		if (isInProcess()) {
			return INPROC + "://" + this.host;
		}
		if (isUnixSocket()) {
			return this.scheme + ":" + this.host;
		}
		String hostAndPort = formatHost(this.host) + ":" + this.port;
		if (isWebSocket()) {
			return this.scheme + "://" + hostAndPort + this.path;
		}
		return (MSGPACK_RPC.equals(this.scheme) ? MSGPACK_RPC : TCP) + "://" + hostAndPort;
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
