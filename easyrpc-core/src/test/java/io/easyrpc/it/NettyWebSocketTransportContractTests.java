package io.easyrpc.it;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

/**
 * The transport contract with the client on {@code ws://} addresses (Netty's WebSocket
 * codec), against a server whose port speaks WebSocket through the server side of
 * {@code WebSocketFraming} ({@link WebSocketServers}). That server's connections are TCP
 * connections to the engine behind the framing, so its observers report {@code tcp}; the
 * servlet endpoint reports {@code websocket}.
 */
class NettyWebSocketTransportContractTests extends TransportContractTests {

	@Override
	protected RpcAddress bindAddress() {
		return RpcAddress.tcp("127.0.0.1", 0);
	}

	@Override
	protected void customizeServer(RpcServer.Builder builder) {
		WebSocketServers.webSocket("/easyrpc", 8 * 1024 * 1024).accept(builder);
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		return RpcAddress.parse("ws://127.0.0.1:" + server.port() + "/easyrpc");
	}

	@Override
	protected String transport() {
		return CallInfo.TCP;
	}

	@Override
	protected boolean preferDirectBuffers() {
		// The WebSocket path gathers a large message into ever larger buffers; unpooled
		// direct ones, zeroed by the JDK at each allocation, slow a 2 MiB call past its
		// deadline.
		return false;
	}

}
