package io.easyrpc.it;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport contract over a unix domain socket with Netty's native epoll transport on
 * both sides.
 */
class EpollUnixSocketTransportContractTests extends UnixSocketTransportContractTests {

	@BeforeAll
	static void epollLoads() {
		if (!Epoll.isAvailable()) {
			System.err.println("Skipping the epoll unix domain socket contract: " + Epoll.unavailabilityCause());
		}
		assumeTrue(Epoll.isAvailable(), () -> "epoll does not load here: " + Epoll.unavailabilityCause());
	}

	@Override
	protected IoTransport ioTransport() {
		return IoTransport.EPOLL;
	}

}
