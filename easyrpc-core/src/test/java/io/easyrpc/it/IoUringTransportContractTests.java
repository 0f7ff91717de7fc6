package io.easyrpc.it;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport contract over TCP with Netty's native io_uring transport on both sides.
 */
class IoUringTransportContractTests extends TransportContractTests {

	@BeforeAll
	static void ioUringLoads() {
		if (!IoUring.isAvailable()) {
			System.err.println("Skipping the io_uring transport contract: " + IoUring.unavailabilityCause());
		}
		assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available on this kernel or in this container: "
				+ IoUring.unavailabilityCause());
	}

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

	@Override
	protected void customizeServer(RpcServer.Builder builder) {
		builder.transport(IoTransport.IO_URING);
	}

	@Override
	protected void customizeClient(RpcChannel.Builder builder) {
		builder.transport(IoTransport.IO_URING);
	}

}
