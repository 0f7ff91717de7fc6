package io.easyrpc.it;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;

/**
 * The transport contract over TCP with Java NIO, forced so that it stays covered
 * whichever transport {@link IoTransport#AUTO} prefers. The native transports run the
 * same suite through subclasses that name their {@link #ioTransport()}.
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

	/**
	 * Return the Netty transport both sides are forced to.
	 * @return the transport
	 */
	protected IoTransport ioTransport() {
		return IoTransport.NIO;
	}

	@Override
	protected void customizeServer(RpcServer.Builder builder) {
		builder.transport(ioTransport());
	}

	@Override
	protected void customizeClient(RpcChannel.Builder builder) {
		builder.transport(ioTransport());
	}

}
