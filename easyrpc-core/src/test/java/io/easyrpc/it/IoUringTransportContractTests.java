package io.easyrpc.it;

import io.easyrpc.transport.IoTransport;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport contract over TCP with Netty's native io_uring transport on both sides.
 */
class IoUringTransportContractTests extends TcpTransportContractTests {

	@BeforeAll
	static void ioUringLoads() {
		if (!IoUring.isAvailable()) {
			System.err.println("Skipping the io_uring transport contract: " + IoUring.unavailabilityCause());
		}
		assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available on this kernel or in this container: "
				+ IoUring.unavailabilityCause());
	}

	@Override
	protected IoTransport ioTransport() {
		return IoTransport.IO_URING;
	}

}
