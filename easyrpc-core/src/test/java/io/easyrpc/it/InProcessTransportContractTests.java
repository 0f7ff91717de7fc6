package io.easyrpc.it;

import java.util.UUID;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

/**
 * The transport contract within one JVM.
 */
class InProcessTransportContractTests extends TransportContractTests {

	private final RpcAddress address = RpcAddress.inProcess("contract-" + UUID.randomUUID());

	@Override
	protected RpcAddress bindAddress() {
		return this.address;
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		return this.address;
	}

	@Override
	protected String transport() {
		return CallInfo.IN_PROCESS;
	}

	@Override
	protected boolean preferDirectBuffers() {
		// in-process channels pass heap buffers from one side to the other
		return false;
	}

}
