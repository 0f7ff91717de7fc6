package io.easyrpc.it;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

/**
 * The transport contract over a message connection without Spring: a WebSocket endpoint
 * of its own ({@link MessageEndpoint}) hands each session to
 * {@link RpcServer#openMessageConnection}, and a client calls it on a {@code ws://}
 * address.
 */
class MessageConnectionTransportContractTests extends TransportContractTests {

	@Override
	protected RpcAddress bindAddress() {
		return RpcAddress.tcp("127.0.0.1", 0);
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		MessageEndpoint endpoint = new MessageEndpoint(server, 8 * 1024 * 1024);
		// Closed with the fixture, before the server stops.
		this.rpc.onClose(endpoint::close);
		return RpcAddress.parse("ws://127.0.0.1:" + endpoint.port() + MessageEndpoint.PATH);
	}

	@Override
	protected String transport() {
		return CallInfo.WEBSOCKET;
	}

}
