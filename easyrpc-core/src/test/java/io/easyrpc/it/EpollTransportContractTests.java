package io.easyrpc.it;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport contract over TCP with Netty's native epoll transport on both sides.
 */
class EpollTransportContractTests extends TransportContractTests {

	@BeforeAll
	static void epollLoads() {
		if (!Epoll.isAvailable()) {
			System.err.println("Skipping the epoll transport contract: " + Epoll.unavailabilityCause());
		}
		assumeTrue(Epoll.isAvailable(), () -> "epoll does not load here: " + Epoll.unavailabilityCause());
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
		builder.transport(IoTransport.EPOLL);
	}

	@Override
	protected void customizeClient(RpcChannel.Builder builder) {
		builder.transport(IoTransport.EPOLL);
	}

}
