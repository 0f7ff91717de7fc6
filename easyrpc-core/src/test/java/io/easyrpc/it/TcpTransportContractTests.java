package io.easyrpc.it;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

/**
 * The transport contract over TCP.
 */
class TcpTransportContractTests extends TransportContractTests {

	@Override
	protected RpcAddress bindAddress() {
		return RpcAddress.tcp("127.0.0.1", 0);
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		return RpcFixture.address(server);
	}

	@Override
	protected String transport() {
		return CallInfo.TCP;
	}

}
