package io.easyrpc.middleware;

import java.util.Map;

/**
 * What an observer learns about a call when it starts.
 *
 * @param methodKey the method key, for example {@code Greeter.hello} or
 * {@code billing/Invoices.create}
 * @param peer the other side: the client's address on the server, the target address on
 * the client
 * @param headers the metadata headers; read-only on the server, writable on the client,
 * where an observer may add headers (for example a trace context) before the request is
 * sent
 * @param oneWay whether the call is a notification without a response
 * @param serverStream whether the server answers with a stream: many items answer one
 * request (a server stream, or a bidirectional channel when {@code clientStream} is set
 * too)
 * @param clientStream whether the client sends a stream of items (a client stream, or a
 * bidirectional channel when {@code serverStream} is set too)
 * @param transport how the call travels: {@value #TCP}, {@value #UNIX},
 * {@value #IN_PROCESS} or {@value #WEBSOCKET}
 * @param protocol the protocol the call was made in: {@value #EASYRPC}, or
 * {@value #MSGPACK_RPC} for a call a MessagePack-RPC peer made on the server's port
 */
public record CallInfo(String methodKey, String peer, Map<String, String> headers, boolean oneWay, boolean serverStream,
		boolean clientStream, String transport, String protocol) {

	/** The protocol of calls made by easyrpc clients. */
	public static final String EASYRPC = "easyrpc";

	/**
	 * The protocol of calls made by MessagePack-RPC peers, which the server serves on its
	 * easyrpc port.
	 */
	public static final String MSGPACK_RPC = "msgpack-rpc";

	/** The transport of calls over a TCP connection, with or without TLS. */
	public static final String TCP = "tcp";

	/**
	 * The transport of calls over a unix domain socket, with or without TLS.
	 */
	public static final String UNIX = "unix";

	/** The transport of calls within one JVM ({@code inproc://} addresses). */
	public static final String IN_PROCESS = "inproc";

	/**
	 * The transport of calls over a WebSocket session ({@code ws://} and {@code wss://}).
	 */
	public static final String WEBSOCKET = "websocket";

	/**
	 * Describe a call in the easyrpc protocol.
	 * @param methodKey the method key
	 * @param peer the other side
	 * @param headers the metadata headers
	 * @param oneWay whether the call is a notification without a response
	 * @param serverStream whether the server answers with a stream
	 * @param clientStream whether the client sends a stream
	 * @param transport how the call travels
	 */
	public CallInfo(String methodKey, String peer, Map<String, String> headers, boolean oneWay, boolean serverStream,
			boolean clientStream, String transport) {
		this(methodKey, peer, headers, oneWay, serverStream, clientStream, transport, EASYRPC);
	}

	/**
	 * Describe a call over TCP.
	 * @param methodKey the method key
	 * @param peer the other side
	 * @param headers the metadata headers
	 * @param oneWay whether the call is a notification without a response
	 * @param serverStream whether the server answers with a stream
	 * @param clientStream whether the client sends a stream
	 */
	public CallInfo(String methodKey, String peer, Map<String, String> headers, boolean oneWay, boolean serverStream,
			boolean clientStream) {
		this(methodKey, peer, headers, oneWay, serverStream, clientStream, TCP);
	}

	/**
	 * Describe a call that is a server stream or a unary call.
	 * @param methodKey the method key
	 * @param peer the other side
	 * @param headers the metadata headers
	 * @param oneWay whether the call is a notification without a response
	 * @param serverStream whether the call is a server stream
	 */
	public CallInfo(String methodKey, String peer, Map<String, String> headers, boolean oneWay, boolean serverStream) {
		this(methodKey, peer, headers, oneWay, serverStream, false);
	}

	/**
	 * Describe a call that is not a stream.
	 * @param methodKey the method key
	 * @param peer the other side
	 * @param headers the metadata headers
	 * @param oneWay whether the call is a notification without a response
	 */
	public CallInfo(String methodKey, String peer, Map<String, String> headers, boolean oneWay) {
		this(methodKey, peer, headers, oneWay, false);
	}

	/**
	 * Return the service part of the key, with its group prefix if it has one.
	 * @return the service name
	 */
	public String service() {
		int dot = this.methodKey.lastIndexOf('.');
		return (dot > 0) ? this.methodKey.substring(0, dot) : this.methodKey;
	}

	/**
	 * Return the method part of the key.
	 * @return the method name
	 */
	public String method() {
		int dot = this.methodKey.lastIndexOf('.');
		return (dot >= 0) ? this.methodKey.substring(dot + 1) : this.methodKey;
	}

	/**
	 * Return the call type: {@code unary} for calls with a response, {@code one_way} for
	 * notifications, {@code server_stream} for server streams, {@code client_stream} for
	 * client streams and {@code bidi_stream} for bidirectional channels.
	 * @return the call type
	 */
	public String type() {
		if (this.oneWay) {
			return "one_way";
		}
		if (this.clientStream) {
			return this.serverStream ? "bidi_stream" : "client_stream";
		}
		return this.serverStream ? "server_stream" : "unary";
	}

}
