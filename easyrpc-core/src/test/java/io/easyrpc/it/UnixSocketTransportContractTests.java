package io.easyrpc.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transport contract over a unix domain socket with Java NIO (JDK 16 and later). The
 * native transports run the same suite through subclasses that name their
 * {@link #ioTransport()}.
 */
class UnixSocketTransportContractTests extends TransportContractTests {

	private final Path directory;

	private final Path socket;

	UnixSocketTransportContractTests() {
		// Socket paths are short on most systems (108 bytes on Linux): a temporary
		// directory of its own keeps the path short and the tests apart.
		try {
			this.directory = Files.createTempDirectory("easyrpc");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.socket = this.directory.resolve("rpc.sock");
	}

	@AfterEach
	void socketFileIsGoneOnceTheServerStopped() throws IOException {
		this.rpc.close();
		assertThat(this.socket).doesNotExist();
		Files.deleteIfExists(this.directory);
	}

	@Override
	protected RpcAddress bindAddress() {
		return RpcAddress.unix(this.socket.toString());
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		return RpcAddress.parse("unix:" + this.socket);
	}

	@Override
	protected String transport() {
		return CallInfo.UNIX;
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
